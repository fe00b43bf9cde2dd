/**
 * What the three security alert kinds share: GitHub lists each organization-wide (its items name their repository)
 * or per repository for a user account, an alert is keyed by its number within its repository, and each webhook
 * event reads the alert again over REST so that jq sees the REST answer, not the smaller webhook payload.
 */
import type { KindObject, LiveHandler, RepositoryRef } from './kind-definition.ts';
import { payloadObject, repositoryObject } from './repository-objects.ts';
import { type OrganizationList, readOne } from './rest-lists.ts';

/** An alert as its jq sees it: the REST answer with the vendor's `__repository` and `__organization`. */
export function alertObject(item: Record<string, unknown>, repository: RepositoryRef): KindObject | undefined {
  return typeof item.number === 'number' ? repositoryObject(item, String(item.number), repository) : undefined;
}

/**
 * The lists of alerts at `path` (`dependabot/alerts`): `GET /orgs/{org}/<path>` and, for user accounts,
 * `GET /repos/{owner}/{repo}/<path>`, with their own filters (GitHub's repository lists lack some).
 */
export function alertLists(
  kind: string,
  path: string,
  parameters: Record<string, string>,
  repositoryParameters: Record<string, string> = parameters,
): OrganizationList {
  return {
    kind,
    route: `GET /orgs/{org}/${path}`,
    parameters,
    object: alertObject,
    perRepository: {
      kind,
      route: `GET /repos/{owner}/{repo}/${path}`,
      parameters: repositoryParameters,
      object: alertObject,
    },
  };
}

/**
 * A webhook event about the alert in `payload.alert`: the alert read again (`GET /repos/{o}/{r}/<path>/{number}`
 * with `parameters`), or gone when GitHub no longer has it. Nothing is read when no resource maps the kind.
 */
export function alertEvent(
  kind: string,
  path: string,
  parameters: (selectors: ReadonlyArray<Record<string, unknown>> | undefined) => Record<string, unknown> = () => ({}),
): LiveHandler {
  return async (payload, reads) => {
    const carried = payloadObject(payload, 'alert', 'number');
    if (!carried) return [];
    const selectors = await reads.selectors?.();
    if (selectors?.length === 0) return [];
    const { repository, item } = carried;
    const read = await readOne(
      reads,
      `GET /repos/{owner}/{repo}/${path}/{alert_number}`,
      { owner: repository.owner, repo: repository.name, alert_number: carried.number, ...parameters(selectors) },
      `${kind} ${item} of ${repository.owner}/${repository.name}`,
    );
    const found = read && alertObject(read, repository);
    if (!found) return [{ object: null, item, repository }];
    // An organization's list names each alert's repository; the answer about one alert does not.
    return [{ object: { repository: payload.repository, ...found.object }, item, repository }];
  };
}
