/**
 * `port-app-config.yml` in the vendor's format: the flags at the top, then `resources`, each a GitHub object
 * kind, a jq `selector.query` that filters objects, and `port.entity.mappings` whose values are jq over one
 * object (or `file://path` for a file of the object's repository).
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { evaluateJq, firstToOverrun, JqLimitError, jqCompileProblem } from '../../../src/jq/index.ts';
import { describeValue, formatPath, locate } from '../../../src/port-yml/index.ts';
import { propertyKeyProblem } from './identifiers.ts';
import { fileReferencePath, FILE_PREFIX } from './files.ts';
import { buildProgram } from './program.ts';
import {
  globPattern,
  KINDS,
  type Kind,
  REPOSITORY_TYPES,
  type RepositoryType,
  SELECTOR_ALIASES,
  SELECTOR_SHAPES,
  type SelectorOf,
} from './selectors.ts';

export { KINDS, type Kind } from './selectors.ts';

/** What `specPath` is when the file does not say: every `port.yml` in the repository. */
export const DEFAULT_SPEC_PATH = ['**/port.yml'];
/** Ocean's default: skip the deletion step of a resync that would delete more than 90% of the entities. */
export const DEFAULT_ENTITY_DELETION_THRESHOLD = 0.9;

/** Every value is a jq expression over one GitHub object, except `file://path` values (see fileReferences). */
export interface EntityMappings {
  identifier: string;
  title?: string;
  blueprint: string;
  icon?: string;
  team?: string;
  properties: Record<string, string>;
  relations: Record<string, string>;
}

export interface Selector {
  /** jq that must give true for an object to be mapped. */
  query: string;
}

/** `includedFiles`: files of each repository to fetch and expose to jq as `.__includedFiles["<path>"]`. */
export type RepositorySelector = SelectorOf<'repository'>;

export interface PortResource<K extends Kind, S extends Selector> {
  kind: K;
  selector: S;
  port: {
    /** jq giving an array: one entity per element, mapped with the element at `.item` and the object around it. */
    itemsToParse?: string;
    entity: { mappings: EntityMappings };
  };
}

export type ResourceConfig = { [K in Kind]: PortResource<K, SelectorOf<K>> }[Kind];

export interface PortAppConfig {
  /** Delete entities that depend on a deleted one through a required relation (`delete_dependents`). */
  deleteDependentEntities: boolean;
  /** Create bare target entities for relations to entities that do not exist yet. */
  createMissingRelatedEntities: boolean;
  /** Upsert with merge (update only the mapped fields) rather than replace. */
  enableMergeEntity: boolean;
  /** 0..1: a resync skips deleting stale entities when that would delete more than this share of them. */
  entityDeletionThreshold: number;
  /** Glob patterns of the GitOps files (`port.yml`) in a repository. */
  specPath: string[];
  /** Which of an organization's repositories are synced (GitHub's `type` of an organization's repository list). */
  repositoryType: RepositoryType;
  resources: ResourceConfig[];
}

export interface ConfigProblem {
  line: number;
  column: number;
  /** Where in the file, as a path: `resources[1].port.entity.mappings.identifier`; empty for the whole file. */
  field: string;
  /** What is wrong, without the location: `required`. */
  reason: string;
  /** `<source> line 12, column 9: <field>: <reason>` */
  message: string;
}

/**
 * A configuration file that does not parse or does not match the format. The first problem (in file order) is
 * also on the error itself; `problems` lists all of them, and the message has one line per problem.
 */
export class ConfigError extends Error {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly reason: string;
  readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'ConfigError';
    const first = problems[0]!;
    this.source = source;
    this.line = first.line;
    this.column = first.column;
    this.field = first.field;
    this.reason = first.reason;
    this.problems = problems;
  }
}

/**
 * Parses and checks `text`, the content of a `port-app-config.yml` named `source` in messages (for instance
 * "org/repo:.github/port-app-config.yml"). Beyond the schema, every jq expression must compile; jq is loaded
 * for that, hence the promise. Throws a ConfigError naming the line, column and field of each problem.
 */
export interface ParseOptions {
  /** Why a kind cannot be synced here (reported at the resource's `kind`), or undefined when it can. */
  unsupportedKind?: (kind: Kind) => string | undefined;
}

export async function parsePortAppConfig(
  text: string,
  source: string,
  options: ParseOptions = {},
): Promise<PortAppConfig> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const report = (path: readonly PropertyKey[], reason: string, target: 'value' | 'key' = 'value'): void => {
    const { line, column } = locate(doc, lines, path, target);
    problems.push(problem(source, line, column, formatPath(path), reason));
  };

  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      problems.push(problem(source, line, col, '', `YAML syntax error: ${yamlReason(error.message)}`));
    }
    throw new ConfigError(source, problems);
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // The yaml package refuses documents whose aliases would expand without bound.
    report([], `YAML error: ${error instanceof Error ? error.message : String(error)}`);
    throw new ConfigError(source, problems);
  }
  if (data === null || data === undefined) {
    report([], 'the file is empty (expected a mapping with a resources list)');
    throw new ConfigError(source, problems);
  }

  const parsed = CONFIG_SCHEMA.safeParse(data, { error: genericIssueMessage, reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) report([...issue.path, key], `unknown key (${issue.message})`, 'key');
      } else {
        report(issue.path, issue.message);
      }
    }
    throw new ConfigError(source, sortProblems(problems));
  }

  const config = normalize(parsed.data);
  config.resources.forEach((resource, index) => {
    const reason = options.unsupportedKind?.(resource.kind);
    if (reason) report(['resources', index, 'kind'], reason);
  });
  await checkExpressions(config, report);
  if (problems.length > 0) throw new ConfigError(source, sortProblems(problems));
  return config;
}

function problem(source: string, line: number, column: number, field: string, reason: string): ConfigProblem {
  const message = `${source} line ${line}, column ${column}: ${field ? `${field}: ` : ''}${reason}`;
  return { line, column, field, reason, message };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The yaml package's message without its " at line 3, column 1:" and code frame (we say where ourselves). */
function yamlReason(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Schema

type RawIssue = z.core.$ZodRawIssue;

const EXPECTED: Record<string, string> = {
  boolean: 'true or false',
  number: 'a number',
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** Messages for every issue a schema below does not word itself. */
function genericIssueMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      return undefined;
  }
}

/** An object that refuses keys it does not know, saying which it does. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `expected one of: ${known}` : undefined),
  });
}

function jqMessage(issue: RawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'required';
  return `expected a jq expression (a string), got ${describeValue(issue.input)}`;
}

const jqExpression = z.string({ error: jqMessage }).refine((value) => value.trim().length > 0, 'must not be empty');
/** Optional fields may be left empty (`title:`), which YAML reads as null. */
const optionalJq = jqExpression.nullish();
/** `query: true` unquoted is YAML's boolean; it can only mean the jq `true`. */
const query = z.preprocess((value) => (typeof value === 'boolean' ? String(value) : value), jqExpression).optional();
const expressionMap = z.record(z.string(), jqExpression).nullish();

const mappingsSchema = strict({
  identifier: jqExpression,
  title: optionalJq,
  blueprint: jqExpression,
  icon: optionalJq,
  team: optionalJq,
  properties: expressionMap,
  relations: expressionMap,
});

const portSchema = strict({
  itemsToParse: optionalJq,
  entity: strict({ mappings: mappingsSchema }),
});

/** Each kind's resource: its selector (query and the kind's own keys, unknown keys refused) and port. */
function resourceOf<K extends Kind>(kind: K) {
  const selector = selectorSchema(kind);
  // A kind with a required key (`files`, `folders`) needs its selector; the others may leave it out.
  const needed = Object.values(SELECTOR_SHAPES[kind]).some(
    (schema) => !(schema as z.ZodType).safeParse(undefined).success,
  );
  return strict({ kind: z.literal(kind), selector: needed ? selector : selector.nullish(), port: portSchema });
}

/** `key:` left empty is YAML's null: the key's default, as if it were not written. */
function selectorSchema<K extends Kind>(kind: K) {
  const shape = Object.fromEntries(
    Object.entries(SELECTOR_SHAPES[kind]).map(([key, schema]) => [
      key,
      z.preprocess((value) => (value === null ? undefined : value), schema as z.ZodType),
    ]),
  );
  const aliases = SELECTOR_ALIASES[kind];
  if (!aliases) return strict({ query, ...shape });
  return z.preprocess((value) => withAliasesRenamed(value, aliases), strict({ query, ...shape }));
}

function withAliasesRenamed(value: unknown, aliases: Readonly<Record<string, string>>): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const renamed: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [alias, key] of Object.entries(aliases)) {
    if (alias in renamed && !(key in renamed)) {
      renamed[key] = renamed[alias];
      delete renamed[alias];
    }
  }
  return renamed;
}

function kindMessage(issue: RawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return `expected a mapping (kind, selector, port), got ${describeValue(issue.input)}`;
  }
  if (issue.code !== 'invalid_union') return undefined;
  const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
  if (kind === undefined) return 'required';
  return `unknown kind ${describeValue(kind)} (expected one of: ${KINDS.join(', ')})`;
}

const resourcesSchema = z.discriminatedUnion(
  'kind',
  KINDS.map((kind) => resourceOf(kind)) as unknown as [
    ReturnType<typeof resourceOf<Kind>>,
    ...Array<ReturnType<typeof resourceOf<Kind>>>,
  ],
  { error: kindMessage },
);

function thresholdMessage(issue: RawIssue): string | undefined {
  if (issue.input === undefined && issue.code === 'invalid_type') return 'required';
  return `expected a number from 0 to 1, got ${describeValue(issue.input)}`;
}

const CONFIG_SCHEMA = strict({
  deleteDependentEntities: z.boolean().optional(),
  createMissingRelatedEntities: z.boolean().optional(),
  enableMergeEntity: z.boolean().optional(),
  entityDeletionThreshold: z.number({ error: thresholdMessage }).min(0).max(1).optional(),
  specPath: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(globPattern)).optional(),
  repositoryType: z.enum(REPOSITORY_TYPES).optional(),
  resources: z.array(resourcesSchema).nullish(),
});

type ParsedConfig = z.output<typeof CONFIG_SCHEMA>;
type ParsedResource = z.output<typeof resourcesSchema>;

/** The parsed file as PortAppConfig: defaults filled in, empty optional fields left out. */
function normalize(parsed: ParsedConfig): PortAppConfig {
  return {
    deleteDependentEntities: parsed.deleteDependentEntities ?? false,
    createMissingRelatedEntities: parsed.createMissingRelatedEntities ?? false,
    enableMergeEntity: parsed.enableMergeEntity ?? false,
    entityDeletionThreshold: parsed.entityDeletionThreshold ?? DEFAULT_ENTITY_DELETION_THRESHOLD,
    specPath: parsed.specPath ?? [...DEFAULT_SPEC_PATH],
    repositoryType: parsed.repositoryType ?? 'all',
    resources: (parsed.resources ?? []).map(normalizeResource),
  };
}

function normalizeResource(resource: ParsedResource): ResourceConfig {
  const raw = resource.port.entity.mappings;
  const mappings: EntityMappings = {
    identifier: raw.identifier,
    blueprint: raw.blueprint,
    properties: {},
    relations: {},
  };
  if (raw.title != null) mappings.title = raw.title;
  if (raw.icon != null) mappings.icon = raw.icon;
  if (raw.team != null) mappings.team = raw.team;
  mappings.properties = { ...(raw.properties ?? {}) };
  mappings.relations = { ...(raw.relations ?? {}) };
  const port: ResourceConfig['port'] = { entity: { mappings } };
  if (resource.port.itemsToParse != null) port.itemsToParse = resource.port.itemsToParse;
  // A resource without a selector gets every default of its kind, as if it had written `selector: {}`.
  const selector = (resource.selector ?? selectorSchema(resource.kind).parse({})) as { query?: string };
  return { kind: resource.kind, selector: { ...selector, query: selector.query ?? 'true' }, port } as ResourceConfig;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks beyond the schema: keys, file:// placement, and every jq expression compiling.

type Report = (path: readonly PropertyKey[], reason: string, target?: 'value' | 'key') => void;

/** Fields whose value may be `file://path`; the others decide which entity an object becomes. */
const FILE_FIELDS = new Set(['title', 'icon', 'team', 'properties', 'relations']);

/** An expression of the file, where it stands and which resource it belongs to. */
interface Expression {
  resource: number;
  path: readonly PropertyKey[];
  expression: string;
}

/**
 * Every jq expression of the file must compile, and must not run past the jq limits over null as a mapping runs it
 * (its first output, errors caught): one that never ends (`last(repeat(1))`) would not end over real input either,
 * so it is a configuration error at its line rather than a stall at every event. The expressions are compiled
 * together and tried together, each alone only to name the ones that fail: a file of thousands of them costs a few
 * jq runs, not thousands.
 */
async function checkExpressions(config: PortAppConfig, report: Report): Promise<void> {
  const expressions: Expression[] = [];
  const failed = new Set<number>();
  const counted = (resource: number): Report => {
    return (path, reason, target) => {
      failed.add(resource);
      report(path, reason, target);
    };
  };
  for (const [index, resource] of config.resources.entries()) {
    const at = ['resources', index];
    const add = (path: readonly PropertyKey[], expression: string, fileAllowed: boolean): void => {
      if (!expression.trimStart().startsWith(FILE_PREFIX)) {
        expressions.push({ resource: index, path, expression });
      } else if (!fileAllowed) {
        counted(index)(path, `${FILE_PREFIX} values are only allowed in title, icon, team, properties and relations`);
      } else if (!fileReferencePath(expression)) {
        counted(index)(
          path,
          `${describeValue(expression)} names no file (expected ${FILE_PREFIX}<path in the repository>)`,
        );
      }
    };
    add([...at, 'selector', 'query'], resource.selector.query, false);
    if (resource.port.itemsToParse !== undefined)
      add([...at, 'port', 'itemsToParse'], resource.port.itemsToParse, false);
    const mappings = resource.port.entity.mappings;
    const base = [...at, 'port', 'entity', 'mappings'];
    for (const field of ['identifier', 'title', 'blueprint', 'icon', 'team'] as const) {
      const expression = mappings[field];
      if (expression !== undefined) add([...base, field], expression, FILE_FIELDS.has(field));
    }
    for (const group of ['properties', 'relations'] as const) {
      for (const [key, expression] of Object.entries(mappings[group])) {
        const keyProblem = propertyKeyProblem(key);
        if (keyProblem) counted(index)([...base, group, key], keyProblem, 'key');
        add([...base, group, key], expression, true);
      }
    }
  }
  const compiling = await compilingExpressions(expressions, (entry, problem) =>
    counted(entry.resource)(entry.path, `jq does not compile: ${problem}${quotingHint(entry.expression, problem)}`),
  );
  const overrun = await overrunningExpression(compiling);
  if (overrun) {
    counted(overrun.entry.resource)(
      overrun.entry.path,
      `${overrun.message} when run over null: it would not end over real input either`,
    );
  }
  // Each expression compiles alone; make sure they also do as the one program map() runs for each resource.
  const programs = config.resources
    .map((resource, index) => ({ index, program: buildProgram(resource).program }))
    .filter(({ index }) => !failed.has(index));
  for (const group of inGroups(programs)) {
    if ((await jqCompileProblem(together(group.map(({ program }) => program)))) === undefined) continue;
    for (const { index, program } of group) {
      const problem = await jqCompileProblem(program);
      if (problem) counted(index)(['resources', index], `the mapping does not compile as one jq program: ${problem}`);
    }
  }
}

/**
 * Programs checked together at most this many at a time: jq's compiler runs out of stack on a few thousand, and
 * a hundred already turns a thousand jq runs into ten.
 */
const CHECKED_TOGETHER = 100;

function inGroups<T>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += CHECKED_TOGETHER) {
    groups.push(items.slice(start, start + CHECKED_TOGETHER));
  }
  return groups;
}

/** Programs as one jq program giving each one's outputs in turn; each on lines of its own, for trailing comments. */
function together(programs: readonly string[]): string {
  return programs.map((program) => `(\n${program}\n)`).join(', ');
}

/** The expressions that compile; each that does not is reported with jq's words. */
async function compilingExpressions(
  expressions: readonly Expression[],
  reportProblem: (entry: Expression, problem: string) => void,
): Promise<Expression[]> {
  const compiling: Expression[] = [];
  for (const group of inGroups(expressions)) {
    if ((await jqCompileProblem(together(group.map((entry) => entry.expression)))) === undefined) {
      compiling.push(...group);
      continue;
    }
    for (const entry of group) {
      const problem = await jqCompileProblem(entry.expression);
      if (problem) reportProblem(entry, problem);
      else compiling.push(entry);
    }
  }
  return compiling;
}

/**
 * The first expression that runs past the jq limits over null, run as a mapping runs it: its first output, its
 * errors caught. All are tried in one run; only when that overruns is each tried alone, in order, until one does.
 */
async function overrunningExpression(
  expressions: readonly Expression[],
): Promise<{ entry: Expression; message: string } | undefined> {
  const trial = (entries: readonly Expression[]): Promise<unknown> =>
    evaluateJq(
      entries.map((entry) => `(try ([limit(1; (\n${entry.expression}\n))]) catch null)`).join(', '),
      null,
    ).catch((error: unknown) => {
      if (error instanceof JqLimitError) throw error;
      return undefined; // what the expressions do over null is not checked, only that they end
    });
  for (const group of inGroups(expressions)) {
    try {
      await trial(group);
      continue;
    } catch (error) {
      if (!(error instanceof JqLimitError)) throw error;
      const alone = await firstToOverrun(group, (entry) => trial([entry]));
      if (alone) return { entry: alone.item, message: alone.overrun.message };
      const message = `${error.message} (with the other expressions of this file; none overran alone)`;
      return { entry: group[0]!, message };
    }
  }
  return undefined;
}

/** `blueprint: service` is jq calling a function "service"; the vendor's own docs warn about this one. */
function quotingHint(expression: string, problem: string): string {
  const word = expression.trim();
  if (!/^[A-Za-z_][\w-]*$/.test(word) || !/is not defined/.test(problem)) return '';
  return ` (for the text ${JSON.stringify(word)}, quote it twice: '${JSON.stringify(word)}')`;
}
