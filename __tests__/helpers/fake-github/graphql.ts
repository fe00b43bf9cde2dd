/**
 * GraphQL as GitHub answers it, for the fake GitHub: queries are parsed, validated against GitHub's published schema
 * (@octokit/graphql-schema) and executed over plain data objects, so a query asking for a field, argument or type
 * GitHub does not have is refused here as GitHub would refuse it.
 *
 * Data resolution (executeGithubQuery's `root`, and every object below it):
 * - a field reads the data object's property of the field's name (aliases do not matter);
 * - a property that is a function is called with the field's arguments (`(args) => value`), so data can filter
 *   (`pullRequests: ({ states }) => ...`, `object: ({ expression }) => ...`);
 * - an array for a field whose type is a `...Connection` is paged: `first`/`after`, `last`/`before`, answering
 *   `nodes`, `edges { node cursor }`, `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }` and
 *   `totalCount`; a connection the data lacks is empty;
 * - enum values are their names as strings (`'OPEN'`, `'PUBLIC'`); scalars (DateTime, URI, GitObjectID) are strings;
 * - an object where the schema has an interface or a union (`RepositoryOwner`, `GitObject`, `Actor`) names its type
 *   in `__typename`;
 * - a resolver that throws `new GithubError('NOT_FOUND', message)` gives GitHub's error (`type`, `path`) for that
 *   field and null in its place; any other error is a mistake of the fake's data and is reported as a data problem.
 *
 * Before execution, GitHub's static limits are checked: every connection names `first` or `last` (at most 100), and
 * the query's cost (GitHub's formula: one request per connection, each multiplied by the `first`/`last` of the
 * connections around it, summed, divided by 100, at least 1) is computed for `rateLimit`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  execute,
  getNamedType,
  GraphQLError,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValueNode,
  validate,
} from 'graphql';

let schema: GraphQLSchema | undefined;

/** GitHub's GraphQL schema, built once per module registry (each jest test file has its own). */
export function githubSchema(): GraphQLSchema {
  if (!schema) {
    let folder = dirname(fileURLToPath(import.meta.url));
    let file = join(folder, 'node_modules/@octokit/graphql-schema/schema.graphql');
    while (!existsSync(file)) {
      const parent = dirname(folder);
      if (parent === folder) throw new Error('@octokit/graphql-schema is not installed');
      folder = parent;
      file = join(folder, 'node_modules/@octokit/graphql-schema/schema.graphql');
    }
    schema = buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  }
  return schema;
}

/** An error GitHub answers for one field (`NOT_FOUND`, `FORBIDDEN`, ...): the field is null, the error says why. */
export class GithubError extends Error {
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

export interface GithubErrorBody {
  type?: string;
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
}

export interface GraphqlAnswer {
  body: { data?: Record<string, unknown> | null; errors?: GithubErrorBody[] };
  /** Why GitHub would refuse the query as a whole (syntax, schema, variables, pagination limits); empty: accepted. */
  refused: string[];
  /** Errors that come from the fake's data (a null for a non-null field, a missing __typename), not from GitHub. */
  dataProblems: string[];
  cost: QueryCost;
}

export interface QueryCost {
  /** GitHub's points for the query. */
  cost: number;
  /** The most nodes the query can answer. */
  nodeCount: number;
}

const cursorOf = (index: number): string => Buffer.from(`cursor:${index}`).toString('base64');
const indexOf = (cursor: unknown): number | undefined => {
  if (typeof cursor !== 'string') return undefined;
  const text = Buffer.from(cursor, 'base64').toString();
  return text.startsWith('cursor:') ? Number(text.slice('cursor:'.length)) : undefined;
};

/** An array paged as a GitHub connection. */
export function pageConnection(items: readonly unknown[], args: Record<string, unknown>): Record<string, unknown> {
  let start = 0;
  let end = items.length;
  const after = indexOf(args.after);
  const before = indexOf(args.before);
  if (after !== undefined) start = Math.min(items.length, after + 1);
  if (before !== undefined) end = Math.max(start, Math.min(end, before));
  if (typeof args.first === 'number') end = Math.min(end, start + args.first);
  if (typeof args.last === 'number') start = Math.max(start, end - args.last);
  const slice = items.slice(start, end);
  const edges = slice.map((node, offset) => ({ node, cursor: cursorOf(start + offset) }));
  return {
    nodes: slice,
    edges,
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? cursorOf(start) : null,
      endCursor: slice.length > 0 ? cursorOf(end - 1) : null,
    },
  };
}

const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
  if (source === null || typeof source !== 'object') return undefined;
  let value = (source as Record<string, unknown>)[info.fieldName];
  if (typeof value === 'function') value = (value as (args: Record<string, unknown>) => unknown).call(source, args);
  if ((Array.isArray(value) || value === undefined) && getNamedType(info.returnType).name.endsWith('Connection')) {
    return pageConnection(value ?? [], args);
  }
  return value;
};

const typeResolver: GraphQLTypeResolver<unknown, unknown> = (value, _context, info, abstractType) => {
  const name = (value as { __typename?: unknown } | null)?.__typename;
  if (typeof name !== 'string') {
    throw new Error(
      `the fake's data for ${info.parentType.name}.${info.fieldName} (${abstractType.name}) needs a __typename`,
    );
  }
  return name;
};

interface Prepared {
  document?: DocumentNode;
  refused: GithubErrorBody[];
}

const prepared = new Map<string, Prepared>();

function prepare(query: string): Prepared {
  let known = prepared.get(query);
  if (known) return known;
  try {
    const document = parse(query);
    const errors = validate(githubSchema(), document);
    known = { document, refused: errors.map(errorBody) };
  } catch (error) {
    known = { refused: [errorBody(error as GraphQLError)] };
  }
  if (prepared.size > 500) prepared.clear();
  prepared.set(query, known);
  return known;
}

function errorBody(error: GraphQLError): GithubErrorBody {
  return {
    message: error.message,
    ...(error.locations && { locations: error.locations }),
  };
}

/** Parses, validates and executes `query` over `root` (the Query type's data), as GitHub would. */
export function executeGithubQuery(
  query: string,
  variables: Record<string, unknown>,
  root: Record<string, unknown> | ((cost: QueryCost) => Record<string, unknown>),
  operationName?: string,
): GraphqlAnswer {
  const noCost = { cost: 1, nodeCount: 0 };
  const { document, refused } = prepare(query);
  if (!document || refused.length > 0) {
    return {
      body: { errors: refused },
      refused: refused.map((error) => error.message),
      dataProblems: [],
      cost: noCost,
    };
  }
  const limits = staticLimits(document, variables, operationName);
  if (limits.errors.length > 0) {
    return {
      body: { errors: limits.errors },
      refused: limits.errors.map((error) => error.message),
      dataProblems: [],
      cost: noCost,
    };
  }
  const result = execute({
    schema: githubSchema(),
    document,
    variableValues: variables,
    operationName,
    rootValue: typeof root === 'function' ? root(limits.cost) : root,
    fieldResolver,
    typeResolver,
  });
  if (result instanceof Promise) throw new Error('the fake GitHub resolves GraphQL synchronously: no promises in data');
  const errors: GithubErrorBody[] = [];
  const dataProblems: string[] = [];
  for (const error of result.errors ?? []) {
    const original = error.originalError;
    if (original instanceof GithubError) {
      errors.push({
        type: original.type,
        path: error.path ?? [],
        ...(error.locations && { locations: error.locations }),
        message: original.message,
      });
    } else {
      errors.push({ ...errorBody(error), ...(error.path && { path: error.path }) });
      dataProblems.push(`${error.message}${error.path ? ` (at ${error.path.join('.')})` : ''}`);
    }
  }
  // Without data, the variables did not fit the query: GitHub refuses the query as a whole.
  const refusedNow = 'data' in result ? [] : errors.map((error) => error.message);
  return {
    body: errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null },
    refused: refusedNow,
    dataProblems: refusedNow.length > 0 ? [] : dataProblems,
    cost: limits.cost,
  };
}

/**
 * GitHub's limits checked before a query runs, and its cost: every connection asks for `first` or `last` records,
 * at most 100, and at most 500,000 nodes in all.
 */
function staticLimits(
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
): { errors: GithubErrorBody[]; cost: QueryCost } {
  const definitions = document.definitions;
  const fragments = new Map(
    definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const operation = definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (operationName === undefined || definition.name?.value === operationName),
  );
  const errors: GithubErrorBody[] = [];
  let requests = 0;
  let nodeCount = 0;
  const valueOf = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };
  const walk = (
    selectionSet: SelectionSetNode | undefined,
    type: GraphQLNamedType,
    multiplier: number,
    depth: number,
  ) => {
    if (!selectionSet || depth > 50) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? githubSchema().getType(selection.typeCondition.name.value) : type;
        walk(selection.selectionSet, condition ?? type, multiplier, depth + 1);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && githubSchema().getType(fragment.typeCondition.name.value);
        if (fragment && condition) walk(fragment.selectionSet, condition, multiplier, depth + 1);
      } else {
        field(selection, type, multiplier, depth);
      }
    }
  };
  const field = (node: FieldNode, parent: GraphQLNamedType, multiplier: number, depth: number) => {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return;
    const definition = parent.getFields()[node.name.value];
    if (!definition) return;
    const type = getNamedType(definition.type);
    let inner = multiplier;
    if (type.name.endsWith('Connection') && definition.args.some((arg) => arg.name === 'first')) {
      const argument = (name: string) => valueOf(node.arguments?.find((arg) => arg.name.value === name)?.value);
      const first = argument('first');
      const last = argument('last');
      const location = node.loc && { locations: [locationOf(node)] };
      const size = typeof first === 'number' ? first : typeof last === 'number' ? last : undefined;
      if (size === undefined) {
        errors.push({
          type: 'MISSING_PAGINATION_BOUNDARIES',
          message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${node.name.value}\` connection.`,
          ...location,
        });
      } else if (size > 100 || size < 0) {
        errors.push({
          type: 'EXCESSIVE_PAGINATION',
          message: `Requesting ${size} records on the \`${node.name.value}\` connection exceeds the \`${typeof first === 'number' ? 'first' : 'last'}\` limit of 100 records.`,
          ...location,
        });
      }
      requests += multiplier;
      inner = multiplier * (size ?? 100);
      nodeCount += inner;
    }
    walk(node.selectionSet, type, inner, depth + 1);
  };
  if (operation) walk(operation.selectionSet, githubSchema().getQueryType()!, 1, 0);
  if (nodeCount > 500_000) {
    errors.push({
      type: 'MAX_NODE_LIMIT_EXCEEDED',
      message: `This query requests up to ${nodeCount} possible nodes which exceeds the maximum limit of 500,000.`,
    });
  }
  return { errors, cost: { cost: Math.max(1, Math.round(requests / 100)), nodeCount } };
}

function locationOf(node: FieldNode): { line: number; column: number } {
  const { line, column } = node.loc!.startToken;
  return { line, column };
}
