/**
 * Code scanning alerts: for an organization, `GET /orgs/{org}/code-scanning/alerts` (100 a request); for a user,
 * per repository. `state` is GitHub's filter (`closed`: dismissed or fixed); `severity` is a rule's severity
 * (`error`, `warning`, `note`) or its security severity (`critical` ... `low`): GitHub filters on one value at
 * organization level, and `selects` on any number, for resyncs and live events alike.
 */
import type { SelectorOf } from '../mapping/index.ts';
import { alertEvent, alertLists } from './alert-kinds.ts';
import type { KindDefinition } from './kind-definition.ts';
import { accountPage } from './rest-lists.ts';

const KIND = 'code-scanning-alerts';
const PATH = 'code-scanning/alerts';
const event = alertEvent(KIND, PATH);

interface CodeScanningAlert {
  state?: string;
  rule?: { severity?: string | null; security_severity_level?: string | null } | null;
}

export const codeScanningAlerts: KindDefinition<'code-scanning-alerts'> = {
  kind: KIND,
  scope: 'repository',
  async resyncPage(reads, selector, cursor) {
    const parameters: Record<string, string> = { state: selector.state };
    const organization = { ...parameters };
    if (selector.severity?.length === 1) organization.severity = selector.severity[0]!;
    return accountPage(reads, alertLists(KIND, PATH, organization, parameters), cursor);
  },
  selects(selector: SelectorOf<'code-scanning-alerts'>, object) {
    const alert = object as CodeScanningAlert;
    const state = alert.state ?? '';
    const stateTaken =
      selector.state === 'closed' ? ['closed', 'dismissed', 'fixed'].includes(state) : state === selector.state;
    if (!stateTaken) return false;
    if (!selector.severity?.length) return true;
    const severities = [alert.rule?.severity, alert.rule?.security_severity_level];
    return severities.some((severity) => (selector.severity as readonly unknown[]).includes(severity));
  },
  events: {
    'code_scanning_alert.created': event,
    'code_scanning_alert.reopened': event,
    'code_scanning_alert.closed_by_user': event,
    'code_scanning_alert.fixed': event,
    'code_scanning_alert.appeared_in_branch': event,
    'code_scanning_alert.reopened_by_user': event,
  },
  permissions: { security_events: 'read' },
};
