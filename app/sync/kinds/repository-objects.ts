/**
 * A repository-scoped kind's objects and their repository, the same for every kind: the repository a webhook payload
 * names (as a RepositoryRef), and an object as the vendor's integration gives it to jq, with `__repository` (the
 * repository's name) and `__organization` (the account's login).
 */
import type { KindObject, LiveReads, RepositoryRef } from './kind-definition.ts';

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The repository of a webhook payload, or undefined when it names none (or lacks its id, name or owner). */
export function payloadRepository(payload: Record<string, unknown>): RepositoryRef | undefined {
  const repository = payload.repository;
  if (!isRecord(repository) || typeof repository.id !== 'number' || typeof repository.name !== 'string') {
    return undefined;
  }
  const owner = isRecord(repository.owner) ? repository.owner.login : undefined;
  if (typeof owner !== 'string') return undefined;
  return {
    id: repository.id,
    name: repository.name,
    owner,
    defaultBranch: typeof repository.default_branch === 'string' ? repository.default_branch : null,
  };
}

/** What the vendor adds to each object of a repository: the repository's name and the account's login. */
function enrich<T extends object>(
  object: T,
  repository: RepositoryRef,
): T & { __repository: string; __organization: string } {
  return { ...object, __repository: repository.name, __organization: repository.owner };
}

/** An object of `repository` under its key `item`, with what the vendor adds (enrich). */
export function repositoryObject(object: object, item: string, repository: RepositoryRef): KindObject {
  return { object: enrich(object, repository), item, repository };
}

/** An object of `repository` keyed by its id (a workflow, a run, a deployment), with what the vendor adds. */
export function repositoryObjectById(object: { id: number }, repository: RepositoryRef): KindObject {
  return repositoryObject(object, String(object.id), repository);
}

/**
 * The object a webhook payload carries at `field` (`issue`, `alert`), keyed by its number `key` (`number`, `id`),
 * with the payload's repository; undefined when the payload lacks either.
 */
export function payloadObject(
  payload: Record<string, unknown>,
  field: string,
  key: string,
): { repository: RepositoryRef; object: Record<string, unknown>; number: number; item: string } | undefined {
  const repository = payloadRepository(payload);
  const object = payload[field];
  if (!repository || !isRecord(object) || typeof object[key] !== 'number') return undefined;
  return { repository, object, number: object[key], item: String(object[key]) };
}

/**
 * The ref a `create` or `delete` event of `refType` (`tag`, `branch`) is about, by its short name, with the
 * payload's repository; undefined for an event of another ref type.
 */
export function payloadRef(
  payload: Record<string, unknown>,
  refType: 'tag' | 'branch',
): { repository: RepositoryRef; name: string } | undefined {
  const repository = payloadRepository(payload);
  const ref = payload.ref;
  if (!repository || payload.ref_type !== refType || typeof ref !== 'string' || ref === '') return undefined;
  return { repository, name: ref.replace(refType === 'tag' ? /^refs\/tags\// : /^refs\/heads\//, '') };
}

/**
 * Whether no resource in force where a live event happened maps the kind (so the event is worth no read); false
 * when the framework does not say.
 */
export async function mappedByNone(reads: LiveReads): Promise<boolean> {
  return (await reads.selectors?.())?.length === 0;
}
