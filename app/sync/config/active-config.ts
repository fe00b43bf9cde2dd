/** A port-app-config.yml in force: the parsed file, where it came from, and its resources compiled once. */
import { createHash } from 'node:crypto';
import {
  compileResourceMapping,
  DEFAULT_PORT_APP_CONFIG,
  KINDS,
  type CompiledMapping,
  type Kind,
  type PortAppConfig,
} from '../mapping/index.ts';

export interface ActiveConfig {
  config: PortAppConfig;
  /** `acme/.github-private:.github/port-app-config.yml`, or `built-in default`. */
  source: string;
  isDefault: boolean;
  /** Equal for equal configurations: repositories of one resync are grouped by it. */
  key: string;
  /** The compiled resources of each kind, in file order. */
  mappings: Readonly<Record<Kind, readonly CompiledMapping[]>>;
  /** Every file of a repository the repository resources read (includedFiles and `file://` values). */
  repositoryFiles: readonly string[];
}

export const DEFAULT_SOURCE = 'built-in default';

export function activeConfig(config: PortAppConfig, source: string, text: string | undefined): ActiveConfig {
  const mappings = Object.fromEntries(KINDS.map((kind) => [kind, []])) as unknown as Record<Kind, CompiledMapping[]>;
  for (const resource of config.resources) mappings[resource.kind].push(compileResourceMapping(resource));
  const repositoryFiles = [...new Set(mappings.repository.flatMap((mapping) => mapping.filesToFetch))];
  const key = text === undefined ? DEFAULT_SOURCE : createHash('sha256').update(text).digest('hex');
  return { config, source, isDefault: text === undefined, key, mappings, repositoryFiles };
}

export const DEFAULT_ACTIVE_CONFIG: ActiveConfig = activeConfig(DEFAULT_PORT_APP_CONFIG, DEFAULT_SOURCE, undefined);
