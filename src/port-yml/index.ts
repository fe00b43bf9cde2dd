/**
 * The vendor's `port.yml` entity shape and its reader, for the Action's `entities`/`entitiesFile` inputs and the
 * App's GitOps: one set of rules, `file://` values read through the caller's reader, problems placed by line and
 * column. Bundled into the Action: it keeps to what the Action already carries (yaml, zod).
 */
export {
  ENTITY_KEYS,
  type EntityDocument,
  type EntityShapeOptions,
  entityShape,
  JSON_WORDS,
  propertiesSchema,
  relationsSchema,
  relationValueSchema,
  searchQuerySchema,
  type ShapeWords,
  teamSchema,
  YAML_WORDS,
} from './entity-shape.ts';
export {
  FILE_REFERENCE,
  type FileReference,
  parsePortYml,
  type EntityLines,
  type PortYmlEntity,
  type PortYmlFile,
  type PortYmlOptions,
  type PortYmlProblem,
} from './read-port-yml.ts';
export { MAX_ALIAS_COUNT } from './read-text.ts';
export { type FileReader, type FileText, resolveFileReferences, type ResolvedPortYml } from './file-references.ts';
export { type PlacedIssue, placedIssues } from './zod-issues.ts';
export { locate, type Position } from './yaml-location.ts';
export { describeValue, formatPath } from './describe.ts';
