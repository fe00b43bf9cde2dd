/**
 * Dependabot alerts: for an organization, `GET /orgs/{org}/dependabot/alerts` (100 a request, GitHub's cursor
 * paging: 50 requests for 5,000 alerts); for a user, per repository. `states`, `severity` and `ecosystems` are
 * GitHub's own filters (`state`, `severity`, `ecosystem`), and `selects` applies them to the alerts of live events,
 * so an alert fixed under `states: [open]` loses its entity.
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
  dependency?: { package?: { ecosystem?: string } | null } | null;
  security_advisory?: { severity?: string } | null;
  security_vulnerability?: { severity?: string; package?: { ecosystem?: string } | null } | null;
}

/** The ecosystem of an alert's package, as GitHub's `ecosystem` filter names it (lower case). */
function ecosystemOf(alert: DependabotAlert): string {
  const ecosystem = alert.dependency?.package?.ecosystem ?? alert.security_vulnerability?.package?.ecosystem ?? '';
  return ecosystem.toLowerCase();
}

export const dependabotAlerts: KindDefinition<'dependabot-alert'> = {
  kind: KIND,
  scope: 'repository',
  async resyncPage(reads, selector, cursor) {
    if (selector.states.length === 0) return { objects: [], next: null };
    const parameters: Record<string, string> = { state: selector.states.join(',') };
    if (selector.severity?.length) parameters.severity = selector.severity.join(',');
    if (selector.ecosystems?.length) parameters.ecosystem = selector.ecosystems.join(',');
    return accountPage(reads, alertLists(KIND, PATH, parameters), cursor);
  },
  selects(selector: SelectorOf<'dependabot-alert'>, object) {
    const alert = object as DependabotAlert;
    if (!(selector.states as readonly string[]).includes(alert.state ?? '')) return false;
    if (selector.ecosystems?.length && !(selector.ecosystems as readonly string[]).includes(ecosystemOf(alert))) {
      return false;
    }
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
