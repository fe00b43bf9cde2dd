/**
 * Secret scanning alerts: for an organization, `GET /orgs/{org}/secret-scanning/alerts` (100 a request); for a
 * user, per repository. `state` is GitHub's filter (`all`: none). Under `hideSecret` (the default) GitHub is asked
 * to leave the secret out, and `view` takes it away from whatever reaches jq, so that it never reaches Port or a
 * log; a live event reads the secret only when a resource in force has `hideSecret: false`.
 */
import type { SelectorOf } from '../mapping/index.ts';
import { alertEvent, alertLists } from './alert-kinds.ts';
import type { KindDefinition } from './kind-definition.ts';
import { accountPage } from './rest-lists.ts';

const KIND = 'secret-scanning-alerts';
const PATH = 'secret-scanning/alerts';
const event = alertEvent(KIND, PATH, (selectors) =>
  selectors?.some((selector) => selector.hideSecret === false) ? {} : { hide_secret: true },
);

export const secretScanningAlerts: KindDefinition<'secret-scanning-alerts'> = {
  kind: KIND,
  scope: 'repository',
  async resyncPage(reads, selector, cursor) {
    const parameters: Record<string, string> = {};
    if (selector.state !== 'all') parameters.state = selector.state;
    if (selector.hideSecret) parameters.hide_secret = 'true';
    return accountPage(reads, alertLists(KIND, PATH, parameters), cursor);
  },
  selects(selector: SelectorOf<'secret-scanning-alerts'>, object) {
    return selector.state === 'all' || (object as { state?: string }).state === selector.state;
  },
  view(selector, object) {
    if (!selector.hideSecret || !('secret' in object)) return object;
    const { secret: _secret, ...rest } = object as Record<string, unknown>;
    return rest;
  },
  events: {
    'secret_scanning_alert.created': event,
    'secret_scanning_alert.resolved': event,
    'secret_scanning_alert.reopened': event,
    'secret_scanning_alert.revoked': event,
    'secret_scanning_alert.validated': event,
    'secret_scanning_alert.publicly_leaked': event,
  },
  permissions: { secret_scanning_alerts: 'read' },
};
