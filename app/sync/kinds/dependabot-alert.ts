/**
 * Dependabot alerts: for an organization, `GET /orgs/{org}/dependabot/alerts` (100 a request, GitHub's cursor
 * paging: 50 requests for 5,000 alerts); for a user, per repository. `states` and `severity` are GitHub's own
 * filters, and `selects` applies them to the alerts of live events, so an alert fixed under `states: [open]` loses
 * its entity.
 */
import type { SelectorOf } from '../mapping/index.ts';
import { alertEvent, alertLists } from './alert-kinds.ts';
import type { KindDefinition } from './kind-definition.ts';
import { accountPage } from './rest-lists.ts';

const KIND = 'dependabot-alert';
const PATH = 'dependabot/alerts';
const event = alertEvent(KIND, PATH);

interface DependabotAlert {
  state?: string;
  security_advisory?: { severity?: string } | null;
  security_vulnerability?: { severity?: string } | null;
}

export const dependabotAlerts: KindDefinition<'dependabot-alert'> = {
  kind: KIND,
  scope: 'repository',
  async resyncPage(reads, selector, cursor) {
    if (selector.states.length === 0) return { objects: [], next: null };
    const parameters: Record<string, string> = { state: selector.states.join(',') };
    if (selector.severity?.length) parameters.severity = selector.severity.join(',');
    return accountPage(reads, alertLists(KIND, PATH, parameters), cursor);
  },
  selects(selector: SelectorOf<'dependabot-alert'>, object) {
    const alert = object as DependabotAlert;
    if (!(selector.states as readonly string[]).includes(alert.state ?? '')) return false;
    if (!selector.severity?.length) return true;
    const severity = alert.security_advisory?.severity ?? alert.security_vulnerability?.severity ?? '';
    return (selector.severity as readonly string[]).includes(severity);
  },
  events: {
    'dependabot_alert.created': event,
    'dependabot_alert.dismissed': event,
    'dependabot_alert.fixed': event,
    'dependabot_alert.reintroduced': event,
    'dependabot_alert.reopened': event,
    'dependabot_alert.auto_dismissed': event,
    'dependabot_alert.auto_reopened': event,
  },
  permissions: { vulnerability_alerts: 'read' },
};
