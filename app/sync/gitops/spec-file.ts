/**
 * A GitOps file (`port.yml`) as the App reads it: the vendor's rules (src/port-yml) for one YAML document holding
 * one entity or a list, each with its identifier and blueprint. Here the reader's answers become what the App's
 * sync and check runs take.
 */
import {
  parsePortYml,
  type PortYmlEntity,
  type PortYmlFile,
  type PortYmlOptions,
  type PortYmlProblem,
} from '../../../src/port-yml/index.ts';
import type { MappedEntity } from '../mapping/index.ts';

/** GitOps entities are tracked by their identifier, and nothing stands in for a blueprint; a port.yml is one document. */
export const GITOPS_RULES: PortYmlOptions = {
  identifierRequired: true,
  blueprintRequired: true,
  multipleDocuments: false,
};

export interface SpecProblem {
  line: number;
  column: number;
  /** `[1].properties.url`, or '' for the whole file. */
  field: string;
  message: string;
}

export interface SpecEntity {
  entity: MappedEntity;
  /** The entity's line in the file (1-based). */
  line: number;
  /** Its position in the file's list (0 for a file with one entity). */
  index: number;
  /** The line of each field: `identifier`, `properties.url`, `relations.owner`, ... */
  fieldLines: Record<string, number>;
}

/** Parses the text of the GitOps file at `path` (from the repository's root). */
export function parseSpecFile(path: string, text: string): PortYmlFile {
  return parsePortYml(path, text, GITOPS_RULES);
}

/** A problem of the whole file is placed at its start, where a check run's annotation can point. */
export function specProblem({ line = 1, column = 1, field, message }: PortYmlProblem): SpecProblem {
  return { line, column, field, message };
}

export function specEntity({ entity, lines, index }: PortYmlEntity): SpecEntity {
  // GITOPS_RULES require both, so an entity the reader answers has them.
  const mapped: MappedEntity = {
    identifier: entity.identifier!,
    blueprint: entity.blueprint!,
    properties: { ...entity.properties },
    relations: { ...entity.relations },
  };
  if (entity.title !== undefined) mapped.title = entity.title;
  if (entity.icon !== undefined) mapped.icon = entity.icon;
  if (entity.team !== undefined) mapped.team = entity.team;
  const { line, fields } = lines();
  return { entity: mapped, line, index, fieldLines: fields };
}
