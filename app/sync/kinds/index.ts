/**
 * Every kind of GitHub object catalog sync maps besides repositories (which have their own path: ../repositories),
 * each in a module of its own. A kind listed in KINDS without a definition here is refused by the configuration
 * check, never silently skipped.
 */
import type { Kind } from '../mapping/index.ts';
import type { KindDefinition } from './kind-definition.ts';
import { branchKind } from './branch.ts';
import { codeScanningAlerts } from './code-scanning-alert.ts';
import { collaboratorKind } from './collaborator.ts';
import { dependabotAlerts } from './dependabot-alert.ts';
import { deployments } from './deployment.ts';
import { environments } from './environment.ts';
import { fileKind } from './file.ts';
import { folderKind } from './folder.ts';
import { issueKind } from './issue.ts';
import { organizationKind } from './organization.ts';
import { pullRequestKind } from './pull-request.ts';
import { releaseKind } from './release.ts';
import { secretScanningAlerts } from './secret-scanning-alert.ts';
import { tagKind } from './tag.ts';
import { teamKind } from './team.ts';
import { userKind } from './user.ts';
import { workflowRunKind } from './workflow-run.ts';
import { workflowKind } from './workflow.ts';

export type {
  KindDefinition,
  KindEventKey,
  KindEventName,
  KindObject,
  KindReads,
  LiveChange,
  LiveHandler,
  RepositoryRef,
  ResyncPage,
  ResyncReads,
} from './kind-definition.ts';
export { KIND_EVENT_NAMES } from './kind-definition.ts';
export { kindReads, repositoryTypeTakes, resyncReads } from './kind-reads.ts';

const DEFINITIONS: ReadonlyArray<{ [K in Kind]: KindDefinition<K> }[Kind]> = [
  organizationKind,
  pullRequestKind,
  issueKind,
  releaseKind,
  tagKind,
  branchKind,
  environments,
  deployments,
  workflowKind,
  workflowRunKind,
  dependabotAlerts,
  codeScanningAlerts,
  secretScanningAlerts,
  teamKind,
  userKind,
  fileKind,
  folderKind,
  collaboratorKind,
];

const BY_KIND = new Map<Kind, KindDefinition>(
  DEFINITIONS.map((definition) => [definition.kind, definition as unknown as KindDefinition]),
);

/** The definition of `kind`; undefined for `repository` (and for a kind wharf does not sync). */
export function kindDefinition(kind: Kind): KindDefinition | undefined {
  return BY_KIND.get(kind);
}

/** Every kind definition, in KINDS order. */
export function kindDefinitions(): KindDefinition[] {
  return [...BY_KIND.values()];
}
