/** A resource of port-app-config.yml, ready to map batches of GitHub objects to entities. */
import { evaluateJq, firstToOverrun, JqLimitError } from '../../../src/jq/index.ts';
import type { RelationInput } from '../../../src/port/index.ts';
import type { Kind, ResourceConfig } from './config.ts';
import { describeValue } from '../../../src/port-yml/index.ts';
import type { MappedEntity } from './entity.ts';
import { fileReferencePath } from './files.ts';
import { blueprintIdentifierProblem, entityIdentifierProblem } from './identifiers.ts';
import { itemLabel } from './labels.ts';
import { buildProgram, type FieldSlot } from './program.ts';

/** Runs a jq program over one input and answers its outputs: evaluateJq from src/jq, or a wrapper of it. */
export type JqEvaluator = (program: string, input: unknown) => Promise<unknown[]>;

export interface CompileOptions {
  /** The jq evaluator map() uses; default evaluateJq. Tests wrap it to count runs. */
  evaluate?: JqEvaluator;
}

export interface MapContext {
  /**
   * The contents of `selector.includedFiles` for each item, in the order of the items (path -> text, null when the
   * repository lacks the file). jq sees them as `.__includedFiles["<path>"]`, as with the vendor's integration.
   */
  includedFiles?: ReadonlyArray<Readonly<Record<string, string | null>> | null | undefined>;
}

export interface MappingError {
  /** The item's position in the batch. */
  index: number;
  /** The item as messages name it: "org/repo", "org/repo#12". */
  item: string;
  /** With itemsToParse: the position of the element that failed. */
  element?: number;
  /** "selector.query", "port.itemsToParse", "identifier", "properties.url", ... */
  field: string;
  /** jq's own words, or what is wrong with the value. */
  reason: string;
  /** `<item>: <field>: <reason>` */
  message: string;
}

export interface MappingResult {
  index: number;
  item: string;
  /**
   * mapped: at least one entity and no error; skipped: the selector was false (for every element with
   * itemsToParse, or itemsToParse gave none); failed: at least one error (entities then holds any elements that
   * mapped all the same).
   */
  status: 'mapped' | 'skipped' | 'failed';
  entities: MappedEntity[];
  errors: MappingError[];
}

export interface CompiledMapping {
  readonly kind: Kind;
  readonly resource: ResourceConfig;
  /** The one jq program map() runs per batch. */
  readonly program: string;
  /** `selector.includedFiles`: files to fetch for each item and pass in MapContext.includedFiles. */
  readonly includedFiles: readonly string[];
  /** Paths the mapping's `file://` values name; entities carry them as markers (see resolveFileReferences). */
  readonly fileReferencePaths: readonly string[];
  /** Both lists together, without repeats: every file of an item's repository the mapping reads. */
  readonly filesToFetch: readonly string[];
  /** Maps a batch of objects with one jq run; one result per item, in order. */
  map(items: readonly object[], context?: MapContext): Promise<MappingResult[]>;
}

type Slot = { v: unknown } | { e: unknown };
type Row = Slot[];
type Output = Row | { elements: Row[] } | { items: Slot };

/** Prepares `resource` (parsed and checked by parsePortAppConfig) for mapping: builds its jq program once. */
export function compileResourceMapping(resource: ResourceConfig, options: CompileOptions = {}): CompiledMapping {
  const evaluate = options.evaluate ?? evaluateJq;
  const { program, fields, hasItemsToParse } = buildProgram(resource);
  const includedFiles = resource.kind === 'repository' ? [...resource.selector.includedFiles] : [];
  const fileReferencePaths = [
    ...new Set(fields.flatMap((field) => (field.file ? [fileReferencePath(field.file)!] : []))),
  ];
  const filesToFetch = [...new Set([...includedFiles, ...fileReferencePaths])];

  async function map(items: readonly object[], context: MapContext = {}): Promise<MappingResult[]> {
    if (items.length === 0) return [];
    const labels = items.map((item, index) => itemLabel(resource.kind, item, index));
    const usable = items.map((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
    const input = items.map((item, index) => {
      if (!usable[index]) return null;
      const files = context.includedFiles?.[index];
      return files ? { ...item, __includedFiles: files } : item;
    });
    let outputs: unknown;
    try {
      outputs = (await evaluate(program, input))[0];
    } catch (error) {
      if (!(error instanceof JqLimitError)) throw error;
      // Running it again would overrun again: every item of the batch fails, naming the expression and the limit.
      const culprit = await overrunningExpression(resource, input, evaluate);
      const reason = culprit ? `${JSON.stringify(culprit.expression)}: ${error.message}` : error.message;
      return items.map((_item, index) => {
        const result = new ResultBuilder(index, labels[index]!);
        result.error(undefined, culprit?.field ?? 'port.entity.mappings', reason);
        return result.done();
      });
    }
    if (!Array.isArray(outputs) || outputs.length !== items.length) {
      throw new Error(`the ${resource.kind} mapping program gave no result per item`);
    }
    return items.map((item, index) => {
      const result = new ResultBuilder(index, labels[index]!);
      if (!usable[index]) {
        result.error(undefined, 'item', `expected a GitHub object, got ${describeValue(item)}`);
        return result.done();
      }
      const output = outputs[index] as Output;
      if (!hasItemsToParse) {
        result.row(output as Row, undefined, fields);
      } else if ('items' in output) {
        const slot = output.items;
        if ('e' in slot) result.error(undefined, 'port.itemsToParse', jqReason(slot.e));
        // null: the object has none of the items (a repository without an SBOM under the vendor's
        // `.__sbom.packages`), so it produces no entity, as an empty array does; anything else is a mistake.
        else if (slot.v !== null) {
          result.error(undefined, 'port.itemsToParse', `expected an array, got ${describeValue(slot.v)}`);
        }
      } else {
        (output as { elements: Row[] }).elements.forEach((row, element) => result.row(row, element, fields));
      }
      return result.done();
    });
  }

  return { kind: resource.kind, resource, program, includedFiles, fileReferencePaths, filesToFetch, map };
}

/**
 * Which expression of `resource` made its program overrun a jq limit over `input`: itemsToParse, the selector,
 * then each field, each run alone in a program of the same shape until one overruns too. The others are quick
 * (they ran within the limit as part of the whole), so finding it costs about one more limit.
 */
async function overrunningExpression(
  resource: ResourceConfig,
  input: unknown,
  evaluate: JqEvaluator,
): Promise<{ field: string; expression: string } | undefined> {
  const bare = { identifier: '"x"', blueprint: '"x"', properties: {}, relations: {} };
  const alone = (selector: string, mappings: ResourceConfig['port']['entity']['mappings']): ResourceConfig =>
    ({
      ...resource,
      selector: { ...resource.selector, query: selector },
      port: { ...resource.port, entity: { mappings } },
    }) as ResourceConfig;
  const candidates: { field: string; expression: string; resource: ResourceConfig }[] = [];
  if (resource.port.itemsToParse !== undefined) {
    candidates.push({
      field: 'port.itemsToParse',
      expression: resource.port.itemsToParse,
      resource: alone('true', bare),
    });
  }
  candidates.push({
    field: 'selector.query',
    expression: resource.selector.query,
    resource: alone(resource.selector.query, bare),
  });
  for (const field of buildProgram(resource).fields) {
    if (field.expression === undefined) continue;
    candidates.push({
      field: field.field,
      expression: field.expression,
      resource: alone('true', { ...bare, identifier: field.expression }),
    });
  }
  const found = await firstToOverrun(candidates, (candidate) =>
    evaluate(buildProgram(candidate.resource).program, input),
  );
  return found && { field: found.item.field, expression: found.item.expression };
}

function jqReason(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error === null) return 'null (jq error without a message)';
  return `${JSON.stringify(error)} (not a string)`;
}

class ResultBuilder {
  private readonly entities: MappedEntity[] = [];
  private readonly errors: MappingError[] = [];
  private readonly index: number;
  private readonly item: string;

  constructor(index: number, item: string) {
    this.index = index;
    this.item = item;
  }

  error(element: number | undefined, field: string, reason: string): void {
    const where = element === undefined ? this.item : `${this.item} (itemsToParse element ${element})`;
    const error: MappingError = {
      index: this.index,
      item: this.item,
      field,
      reason,
      message: `${where}: ${field}: ${reason}`,
    };
    if (element !== undefined) error.element = element;
    this.errors.push(error);
  }

  /** One object (or itemsToParse element): its selector, then its fields in the order of `fields`. */
  row(row: Row, element: number | undefined, fields: readonly FieldSlot[]): void {
    const selected = row[0]!;
    if ('e' in selected) return this.error(element, 'selector.query', jqReason(selected.e));
    if (selected.v === false) return;
    if (selected.v !== true) {
      return this.error(element, 'selector.query', `expected true or false, got ${describeValue(selected.v)}`);
    }
    const before = this.errors.length;
    const entity: MappedEntity = { blueprint: '', identifier: '', properties: {}, relations: {} };
    let next = 1;
    for (const field of fields) {
      let value: unknown = field.file;
      if (field.expression !== undefined) {
        const slot = row[next++]!;
        if ('e' in slot) {
          this.error(element, field.field, jqReason(slot.e));
          continue;
        }
        value = slot.v;
      }
      const problem = place(entity, field, value);
      if (problem) this.error(element, field.field, problem);
    }
    if (this.errors.length === before) this.entities.push(ordered(entity));
  }

  done(): MappingResult {
    const status = this.errors.length > 0 ? 'failed' : this.entities.length > 0 ? 'mapped' : 'skipped';
    return { index: this.index, item: this.item, status, entities: this.entities, errors: this.errors };
  }
}

/** The entity with its keys in the order people read them. */
function ordered(entity: MappedEntity): MappedEntity {
  const { blueprint, identifier, title, icon, team, properties, relations } = entity;
  const head: Pick<MappedEntity, 'blueprint' | 'identifier' | 'title' | 'icon' | 'team'> = { blueprint, identifier };
  if ('title' in entity) head.title = title;
  if ('icon' in entity) head.icon = icon;
  if ('team' in entity) head.team = team;
  return { ...head, properties, relations };
}

/** Puts a field's value into the entity, or answers why Port would refuse it. */
function place(entity: MappedEntity, field: FieldSlot, value: unknown): string | undefined {
  switch (field.group) {
    case 'identifier': {
      const problem = entityIdentifierProblem(value);
      if (problem) return problem;
      entity.identifier = value as string;
      return undefined;
    }
    case 'blueprint': {
      const problem = blueprintIdentifierProblem(value);
      if (problem) return problem;
      entity.blueprint = value as string;
      return undefined;
    }
    case 'title':
    case 'icon':
      if (value !== null && typeof value !== 'string') return `must be a string or null, got ${describeValue(value)}`;
      entity[field.group] = value;
      return undefined;
    case 'team':
      if (!isTeam(value)) return `must be a team name, a list of them or null, got ${describeValue(value)}`;
      entity.team = value;
      return undefined;
    case 'properties':
      entity.properties[field.key!] = value;
      return undefined;
    case 'relations': {
      const problem = relationProblem(value);
      if (problem) return problem;
      entity.relations[field.key!] = value as RelationInput;
      return undefined;
    }
  }
}

function isTeam(value: unknown): value is string | string[] | null {
  return (
    value === null ||
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((team) => typeof team === 'string'))
  );
}

/** A relation is an identifier, a list of them, null, or a search query ({combinator, rules}) for the target. */
function relationProblem(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return entityIdentifierProblem(value);
  if (Array.isArray(value)) {
    for (const target of value) {
      const problem = entityIdentifierProblem(target);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && 'combinator' in value && 'rules' in value) return undefined;
  return `must be an entity identifier, a list of them, a search query or null, got ${describeValue(value)}`;
}
