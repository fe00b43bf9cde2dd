/**
 * The mapping engine of catalog sync: port-app-config.yml in the vendor's format, parsed and checked, and each
 * resource compiled into one jq program that maps a batch of GitHub objects to entities. Pure: fetching the
 * objects and files and writing the entities belong to the callers.
 */
export {
  ConfigError,
  DEFAULT_ENTITY_DELETION_THRESHOLD,
  DEFAULT_SPEC_PATH,
  KINDS,
  parsePortAppConfig,
} from './config.ts';
export { REPOSITORY_TYPES, SELECTOR_SHAPES } from './selectors.ts';
export type { FilePattern, FolderPattern, RepositoryBranch, RepositoryType, SelectorOf } from './selectors.ts';
export type {
  ConfigProblem,
  ParseOptions,
  EntityMappings,
  Kind,
  PortAppConfig,
  PortResource,
  RepositorySelector,
  ResourceConfig,
  Selector,
} from './config.ts';
export { compileResourceMapping } from './compile.ts';
export type {
  CompileOptions,
  CompiledMapping,
  JqEvaluator,
  MapContext,
  MappingError,
  MappingResult,
} from './compile.ts';
export { CODEOWNERS_PATHS, DEFAULT_PORT_APP_CONFIG, DEFAULT_SERVICE_BLUEPRINT } from './defaults.ts';
export type { MappedEntity } from './entity.ts';
export {
  FILE_PREFIX,
  fileReferences,
  includedFilesContext,
  relativeFilePath,
  resolveEntityFiles,
  resolveFileReferences,
} from './files.ts';
export type { FileReference } from './files.ts';
export { entityIdentifierProblem } from './identifiers.ts';
