/**
 * Where entities come from. Every entity the App writes has a source: an object of a repository mapped by
 * port-app-config.yml (the repository itself, a pull request, a workflow, a workflow run) or a GitOps file. A source
 * is written whole: what it produced before and no longer produces is deleted, which is how a rename moves an
 * entity and how an entity removed from a port.yml goes away.
 */
import type { Kind, MappedEntity } from './mapping/index.ts';

export type SourceKind = Kind | 'gitops';

export interface SourceKey {
  kind: SourceKind;
  repoId: number;
  /** '' for the repository itself, the pull request number, the workflow or run id, or the GitOps file's path. */
  item: string;
}

export interface EntityKey {
  blueprint: string;
  identifier: string;
}

/** What one source produces now. */
export interface SourceOutput {
  source: SourceKey;
  entities: MappedEntity[];
  /**
   * False when mapping or parsing failed for part of the source: its entities are written, and nothing it produced
   * before is deleted (a broken file or jq error must not empty the catalog).
   */
  complete: boolean;
}

export const repositorySource = (repoId: number): SourceKey => ({ kind: 'repository', repoId, item: '' });

export const sameEntity = (a: EntityKey, b: EntityKey): boolean =>
  a.blueprint === b.blueprint && a.identifier === b.identifier;

export const entityKeyOf = (entity: EntityKey): string => `${entity.blueprint}\u0000${entity.identifier}`;

/**
 * The source of an object of another kind: within its repository, or (organization-scoped kinds, repository id 0)
 * within its account, so that two accounts' teams of the same id stay apart.
 */
export function objectSource(
  kind: Kind,
  owner: string,
  object: { item: string; repository?: { id: number } | undefined },
): SourceKey {
  return object.repository
    ? { kind, repoId: object.repository.id, item: object.item }
    : { kind, repoId: 0, item: `${owner.toLowerCase()}/${object.item}` };
}
