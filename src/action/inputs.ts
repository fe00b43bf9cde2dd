import { z } from 'zod/mini';
import type { BulkEntity } from '../port/index.ts';
import { INPUT_DEFAULTS, type InputName, REQUIRED_INPUTS } from './action-inputs.ts';
import { describeIssues, entitySchema, propertiesSchema, relationsSchema, searchQuerySchema } from './entity-schema.ts';
import { parseJsonInput, parseListOrText } from './json-input.ts';
import { OPERATIONS, type OperationName, type OperationSettings, type Settings } from './settings.ts';

// action.yml declares the inputs; action-inputs.ts is generated from it.
export type { InputName } from './action-inputs.ts';

/** The API's base URL by region; with neither `baseUrl` nor `region`, the vendor's default. */
export const REGION_BASE_URLS = { eu: 'https://api.port.io', us: 'https://api.us.port.io' } as const;
export const DEFAULT_BASE_URL = 'https://api.getport.io';

/** Inputs that are wrong, each line naming its input: thrown before anything is sent anywhere. */
export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} inputs are wrong:\n- ${problems.join('\n- ')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** Reads one input as the runner passes it (core.getInput: trimmed, '' when not given). */
export type ReadInput = (name: InputName) => string;

// Each input arrives as a string: as given, else action.yml's default, else ''. These turn one into its typed value
// or a zod issue; an input with a default in action.yml never reaches them as ''.

/** What a reading is given to report a problem with: the parse's own issues. */
type Context = z.core.ParsePayload;

/** The input's text, read by `fn` (classic zod's `z.string().transform(fn)`). */
const reading = <O>(fn: (value: string, ctx: Context) => O) => z.pipe(z.string(), z.transform(fn));

const text = reading((value) => (value === '' ? undefined : value));

const fail = (ctx: Context, message: string): never => {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
};

const boolean = reading((value, ctx) => {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return fail(ctx, `must be true or false, got "${value}"`);
});

/** JSON text, then the value checked against `schema`; problems inside the value say where they are. */
const json = <T extends z.ZodMiniType>(schema: T) =>
  reading((value, ctx): z.output<T> | undefined => {
    if (value === '') return undefined;
    const parsed = parseJsonInput(value);
    if (!parsed.ok) return fail(ctx, parsed.problem);
    const checked = schema.safeParse(parsed.value);
    if (checked.success) return checked.data;
    for (const message of describeIssues(checked.error.issues))
      ctx.issues.push({ code: 'custom', message, input: value });
    return z.NEVER;
  });

const listOrText = reading((value, ctx) => {
  if (value === '') return undefined;
  const parsed = parseListOrText(value);
  return parsed.ok ? parsed.value : fail(ctx, parsed.problem);
});

const seconds = (max: number) =>
  reading((value, ctx) => {
    const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!(number > 0 && number <= max))
      return fail(ctx, `must be a number of seconds above 0, at most ${max}, got "${value}"`);
    return Math.round(number * 1000);
  });

const oneOf = <T extends string>(values: readonly T[]) =>
  reading((value, ctx): T | undefined => {
    if (value === '') return undefined;
    const match = values.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    return match ?? fail(ctx, `must be one of ${values.join(', ')} (in any case), got "${value}"`);
  });

const httpUrl = reading((value, ctx) => {
  if (value === '') return undefined;
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return fail(ctx, `must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
});

/** Comma-separated, each trimmed, empty ones dropped (the vendor's reading); sent as repeated `include=`. */
const commaList = reading((value) => {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
});

/**
 * Each input's reading: one for every input action.yml declares and no other (the compiler checks both), in
 * action.yml's order (a test checks it), which is the order problems are reported in.
 */
const inputSchema = z.object({
  baseUrl: httpUrl,
  clientId: text,
  clientSecret: text,
  operation: oneOf(OPERATIONS),
  identifier: text,
  title: text,
  icon: text,
  blueprint: text,
  properties: json(propertiesSchema),
  team: listOrText,
  relations: json(relationsSchema),
  runId: text,
  entities: json(z.array(entitySchema, { error: 'must be a JSON array of entities' })),
  query: json(searchQuerySchema),
  include: commaList,
  link: listOrText,
  summary: text,
  externalRunId: text,
  status: oneOf(['SUCCESS', 'FAILURE'] as const),
  logMessage: text,
  action: text,
  delete_dependents: boolean,
  createMissingRelatedEntities: boolean,
  region: oneOf(['eu', 'us'] as const),
  statusLabel: text,
  dryRun: boolean,
  entitiesFile: reading((value) => splitList(value)),
  wait: boolean,
  waitTimeout: seconds(6 * 3600),
  failOnRunFailure: boolean,
  requestTimeout: seconds(600),
} satisfies Record<InputName, z.ZodMiniType<unknown, string>>);
type Inputs = z.output<typeof inputSchema>;
/** Every input, in action.yml's order. */
export const INPUT_NAMES = Object.keys(inputSchema.shape) as InputName[];

/**
 * Which inputs each operation cannot do without, beyond those action.yml marks required; one of each inner list is
 * enough. action.yml has no way to say this, so it stays here, naming only inputs action.yml declares.
 */
export const OPERATION_NEEDS: Record<OperationName, InputName[][]> = {
  UPSERT: [['blueprint']],
  GET: [['blueprint'], ['identifier']],
  SEARCH: [['query']],
  BULK_UPSERT: [['entities', 'entitiesFile']],
  DELETE: [['blueprint'], ['identifier']],
  CREATE_RUN: [['action']],
  PATCH_RUN: [['runId'], ['logMessage', 'status', 'statusLabel', 'link', 'summary', 'externalRunId']],
};

/**
 * The one typed settings object, from the inputs as the runner passes them. Every problem is found before any
 * network call, and all of them are reported at once, each naming its input (and for JSON, where in it).
 */
export function readSettings(read: ReadInput, workspace: string): Settings {
  // Each as the runner passes it: as given, else action.yml's default (a step run by hand is passed no defaults).
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [name, read(name) || (INPUT_DEFAULTS[name] ?? '')]),
  ) as Record<InputName, string>;
  const problems: Array<{ input: InputName; message: string }> = [];
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const input = issue.path[0] as InputName;
      problems.push({ input, message: issue.message });
    }
  }

  const given = (name: InputName) => raw[name] !== '';
  // The checks across inputs read each input on its own, so that they are reported with every other problem.
  const valid = <N extends InputName>(name: N): Inputs[N] | undefined => {
    if (parsed.success) return parsed.data[name];
    const one = inputSchema.shape[name].safeParse(raw[name]);
    return one.success ? (one.data as Inputs[N]) : undefined;
  };
  for (const name of REQUIRED_INPUTS) {
    if (!given(name)) problems.push({ input: name, message: 'is required' });
  }
  if (given('baseUrl') && given('region')) {
    problems.push({ input: 'region', message: 'cannot be given with "baseUrl": give one of them' });
  }
  const operation = valid('operation');
  if (operation) {
    for (const anyOf of OPERATION_NEEDS[operation]) {
      if (anyOf.some(given)) continue;
      const names = anyOf.map((name) => `"${name}"`).join(' or ');
      problems.push({
        input: anyOf[0]!,
        message: `is required for ${operation}${anyOf.length > 1 ? ` (give ${names})` : ''}`,
      });
    }
    if (operation === 'BULK_UPSERT' && !given('blueprint')) {
      for (const index of missingBlueprints(valid('entities') ?? [])) {
        problems.push({
          input: 'entities',
          message: `[${index}] has no "blueprint" (give it one, or the "blueprint" input)`,
        });
      }
    }
    if (operation === 'CREATE_RUN' && valid('dryRun')) {
      problems.push({
        input: 'dryRun',
        message: 'is not supported for CREATE_RUN: the API cannot check a run without starting it',
      });
    }
  }

  if (problems.length > 0 || !parsed.success) {
    const order = (name: InputName) => INPUT_NAMES.indexOf(name);
    problems.sort((a, b) => order(a.input) - order(b.input));
    throw new InputError(problems.map(({ input, message }) => `Input "${input}" ${message}`));
  }
  const inputs = parsed.data;
  return {
    connection: {
      baseUrl: inputs.baseUrl ?? (inputs.region ? REGION_BASE_URLS[inputs.region] : DEFAULT_BASE_URL),
      clientId: inputs.clientId!,
      clientSecret: inputs.clientSecret!,
      requestTimeoutMs: inputs.requestTimeout,
    },
    dryRun: inputs.dryRun,
    workspace,
    operation: operationSettings(inputs.operation!, inputs),
  };
}

function operationSettings(operation: OperationName, inputs: Inputs): OperationSettings {
  switch (operation) {
    case 'UPSERT':
      return {
        operation,
        blueprint: inputs.blueprint!,
        entity: {
          identifier: inputs.identifier,
          title: inputs.title,
          icon: inputs.icon,
          team: inputs.team,
          properties: inputs.properties,
          relations: inputs.relations,
        },
        runId: inputs.runId,
        createMissingRelatedEntities: inputs.createMissingRelatedEntities,
      };
    case 'GET':
      return { operation, blueprint: inputs.blueprint!, identifier: inputs.identifier!, include: inputs.include };
    case 'SEARCH':
      return { operation, query: inputs.query!, include: inputs.include };
    case 'BULK_UPSERT':
      return {
        operation,
        entities: withBlueprints(inputs.entities ?? [], inputs.blueprint),
        entitiesFile: inputs.entitiesFile,
        defaultBlueprint: inputs.blueprint,
        runId: inputs.runId,
        createMissingRelatedEntities: inputs.createMissingRelatedEntities,
      };
    case 'DELETE':
      return {
        operation,
        blueprint: inputs.blueprint!,
        identifier: inputs.identifier!,
        deleteDependents: inputs.delete_dependents,
        runId: inputs.runId,
      };
    case 'CREATE_RUN':
      return {
        operation,
        action: inputs.action!,
        properties: inputs.properties ?? {},
        entity: inputs.identifier,
        wait: inputs.wait,
        waitTimeoutMs: inputs.waitTimeout,
        failOnRunFailure: inputs.failOnRunFailure,
      };
    case 'PATCH_RUN':
      return {
        operation,
        runId: inputs.runId!,
        logMessage: inputs.logMessage,
        patch: dropUndefined({
          status: inputs.status,
          statusLabel: inputs.statusLabel,
          link: inputs.link,
          summary: inputs.summary,
          externalRunId: inputs.externalRunId,
        }),
      };
  }
}

/** The positions of entities that name no blueprint. */
export function missingBlueprints(entities: ReadonlyArray<{ blueprint?: string }>): number[] {
  return entities.flatMap((entity, index) => (entity.blueprint === undefined ? [index] : []));
}

/** Entities as the bulk upsert takes them: each with its blueprint, the `blueprint` input where it names none. */
export function withBlueprints(
  entities: ReadonlyArray<z.output<typeof entitySchema>>,
  fallback: string | undefined,
): BulkEntity[] {
  return entities.map(({ blueprint, ...entity }) => ({ ...entity, blueprint: blueprint ?? fallback ?? '' }));
}

/** A list input: one item a line, or comma-separated; blanks dropped. */
function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
