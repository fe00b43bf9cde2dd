/**
 * What the issue, pull-request and pull-request-comment executors share: reading a run's properties (every problem
 * named at once), the one GitHub call each makes with a line logged before it and one with its result after it, and
 * GitHub's refusal turned into an ExecutionError that names the repository and says what GitHub said.
 */
import { githubMessage, githubStatus, type GithubClient } from '../../github/index.ts';
import { ExecutionError, type ActionExecutor, type ExecutionOutcome, type IntegrationRun } from './executor.ts';

/** An executor that makes one GitHub REST call; `route` (`METHOD /path/{template}`) is the call. */
export interface GithubExecutor extends ActionExecutor {
  readonly route: string;
  /** The run's repository (`org/repo`, lower case), as the vendor's partition key: one run at a time per repository. */
  partitionKey?(run: IntegrationRun): string | undefined;
}

/** Where the call goes: the run's repository and its installation's client. */
export interface Target {
  owner: string;
  repo: string;
  octokit: GithubClient;
  /** Options for octokit.request: the run's abort signal, and no retries for calls not safe to repeat. */
  request: { signal?: AbortSignal | undefined; retries?: number };
}

export interface Ending {
  /** Logged once GitHub did it: what was done, and its URL. */
  line: string;
  /** The run's last log line. */
  summary: string;
  link?: string;
}

export interface GithubExecutorSpec<Input, Answer> {
  type: string;
  route: string;
  /** The App permission the call needs, named when GitHub answers that the installation lacks it. */
  permission: string;
  /** Reads the run's properties; a problem is noted on the reader, which then ends the run naming them all. */
  read(properties: PropertyReader): Input;
  /** The line logged before the call (`repository` is `owner/repo`). */
  starting(input: Input, repository: string): string;
  /** What the run's error says before GitHub's message: `Could not ... in owner/repo`. */
  failure(input: Input, repository: string): string;
  /** The call; answers GitHub's response body (or what `ending` needs of the response). */
  call(target: Target, input: Input): Promise<Answer>;
  /** Fields the answer must have (GitHub's answer cut short by a proxy has none of them). */
  expects?: string[];
  ending(answer: Answer, input: Input, repository: string, octokit: GithubClient): Ending;
  /** Status labels: while the call is under way, and once it succeeded. */
  labels: { starting: string; done: string };
  /** false: runs of it are not kept in order per repository (the vendor's delete_pr_comment). */
  partitioned?: false;
}

/** `org` and `repo`, or `repo` as `owner/repo`, lower case; undefined when the run names no repository. */
function repositoryKey(run: IntegrationRun): string | undefined {
  const { org, repo } = run.properties;
  if (typeof repo !== 'string' || repo === '') return undefined;
  if (typeof org === 'string' && org !== '') return `${org}/${repo}`.toLowerCase();
  return repo.includes('/') ? repo.toLowerCase() : undefined;
}

export function githubExecutor<Input, Answer>(spec: GithubExecutorSpec<Input, Answer>): GithubExecutor {
  return {
    type: spec.type,
    route: spec.route,
    ...(spec.partitioned !== false && { partitionKey: repositoryKey }),
    async execute(run, context): Promise<ExecutionOutcome> {
      const properties = new PropertyReader(run.properties);
      const input = spec.read(properties);
      properties.check();
      const { owner, repo, octokit } = await context.repository();
      const repository = `${owner}/${repo}`;
      await context.log(spec.starting(input, repository), spec.labels.starting);
      let answer: Answer;
      try {
        // GitHub may have done a POST or a DELETE that answered 5xx: a retry would create the issue, pull request or
        // comment twice, or report a deleted comment as missing. Only the calls that are safe to repeat retry.
        const once = /^(POST|DELETE) /.test(spec.route);
        const request = { signal: context.signal, ...(once && { retries: 0 }) };
        answer = await spec.call({ owner, repo, octokit, request }, input);
      } catch (error) {
        if (githubStatus(error) === undefined) throw error;
        throw new ExecutionError(`${spec.failure(input, repository)}: ${refusal(error, spec.permission)}`);
      }
      const missing = (spec.expects ?? []).filter(
        (field) => (answer as Record<string, unknown> | null | undefined)?.[field] == null,
      );
      if (missing.length > 0) {
        throw new ExecutionError(
          `${spec.failure(input, repository)}: GitHub's answer is incomplete (no ${missing.join(', ')})`,
        );
      }
      const ending = spec.ending(answer, input, repository, octokit);
      await context.log(ending.line);
      return {
        status: 'SUCCESS',
        summary: ending.summary,
        statusLabel: spec.labels.done,
        ...(ending.link !== undefined && { link: ending.link }),
      };
    },
  };
}

/** GitHub's error body: `message`, and for a 422 the `errors` it found (strings or `{resource, field, code, message}`). */
interface GithubErrorBody {
  message?: unknown;
  errors?: unknown;
}

/**
 * What GitHub said when it refused a call: its `message` and every `errors[]` entry's message (`Validation Failed: A
 * pull request already exists for octo:feature`), or the text of an answer that is not GitHub's JSON (a proxy's).
 */
export function refusal(error: unknown, permission?: string): string {
  const status = githubStatus(error);
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  let message: string;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const body = data as GithubErrorBody;
    message =
      typeof body.message === 'string' && body.message !== ''
        ? body.message
        : body.message != null
          ? JSON.stringify(body.message)
          : githubMessage(error);
    const details = (Array.isArray(body.errors) ? body.errors : []).map(errorDetail).filter((detail) => detail !== '');
    if (details.length > 0) message = `${message}: ${details.join('; ')}`;
  } else if (typeof data === 'string' && data.trim() !== '') {
    message = data.trim().slice(0, 500);
  } else {
    message = githubMessage(error) || `HTTP ${status}`;
  }
  if (status === 403 && permission && /not accessible by integration/i.test(message)) {
    message += ` (the App's installation needs the permission ${permission})`;
  }
  return message;
}

function errorDetail(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object') return '';
  const { message, resource, field, code } = entry as Record<string, unknown>;
  if (typeof message === 'string' && message !== '') return message;
  return [resource, field, code].filter((part) => typeof part === 'string' && part !== '').join(' ');
}

/** github.com for api.github.com, the host of a GitHub Enterprise Server's `/api/v3`, `x.ghe.com` for `api.x.ghe.com`. */
export function githubWebUrl(octokit: GithubClient): string {
  const api = new URL(octokit.request.endpoint.DEFAULTS.baseUrl);
  if (api.hostname === 'api.github.com') return 'https://github.com';
  if (api.hostname.startsWith('api.') && api.hostname.endsWith('.ghe.com')) {
    return `${api.protocol}//${api.hostname.slice('api.'.length)}`;
  }
  return api.origin;
}

function describe(value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

/**
 * A run's properties, read with their checks. Port renders templates, so an absent property may come as null, and a
 * number or a flag as a string ("42", "true"): both are accepted. Each reading that fails notes its problem (naming
 * the property) and answers a placeholder; `check` then ends the run with all of them.
 */
export class PropertyReader {
  readonly #values: Readonly<Record<string, unknown>>;
  readonly #problems: string[] = [];

  constructor(values: Readonly<Record<string, unknown>>) {
    this.#values = values;
  }

  #value(name: string): unknown {
    const value = this.#values[name];
    return value === null ? undefined : value;
  }

  /** Notes a problem that is not one property's (`at least one of ...`). */
  problem(message: string): void {
    this.#problems.push(message);
  }

  /**
   * The fields of an update that are given (the undefined ones left out); when none is, notes that one is required.
   * `names`: how the problem lists the properties (`title, body, or base`).
   */
  changes<T extends Record<string, unknown>>(fields: T, names: string): Partial<T> {
    const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    if (Object.keys(given).length === 0) this.problem(`At least one field to update is required (${names})`);
    return given as Partial<T>;
  }

  /** Throws the ExecutionError that names every problem noted. */
  check(): void {
    if (this.#problems.length > 0) throw new ExecutionError(this.#problems.join('; '));
  }

  /** A string that must be there and not blank. */
  requiredText(name: string): string {
    const value = this.#value(name);
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      this.problem(`${name} is required`);
      return '';
    }
    return this.text(name) ?? '';
  }

  /** A string, or undefined when absent. */
  text(name: string): string | undefined {
    const value = this.#value(name);
    if (value === undefined || typeof value === 'string') return value;
    this.problem(`${name} must be a string (got ${describe(value)})`);
    return undefined;
  }

  /** A positive whole number (an issue, pull request or comment number), as a number or a string of digits. */
  requiredNumber(name: string): number {
    const value = this.#value(name);
    if (value === undefined || value === '') {
      this.problem(`${name} is required`);
      return 0;
    }
    const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number === 'number' && Number.isSafeInteger(number) && number > 0) return number;
    this.problem(`${name} must be a positive whole number (got ${describe(value)})`);
    return 0;
  }

  /** A list of strings (labels, assignees), or undefined when absent. */
  list(name: string): string[] | undefined {
    const value = this.#value(name);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
    this.problem(`${name} must be a list of strings (got ${describe(value)})`);
    return undefined;
  }

  /** true or false (or "true"/"false"), or undefined when absent. */
  flag(name: string): boolean | undefined {
    const value = this.#value(name);
    if (value === undefined || typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problem(`${name} must be true or false (got ${describe(value)})`);
    return undefined;
  }

  /** One of `allowed`, which must be there. */
  requiredChoice<T extends string>(name: string, allowed: readonly [T, ...T[]]): T {
    const value = this.#value(name);
    if (value === undefined || value === '') {
      this.problem(`${name} is required`);
      return allowed[0];
    }
    return this.choice(name, allowed, allowed[0]);
  }

  /** One of `allowed`; `fallback` when absent (undefined without one). */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined;
  choice<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.#value(name);
    if (value === undefined || value === '') return fallback;
    if ((allowed as readonly unknown[]).includes(value)) return value as T;
    this.problem(`${name} must be one of: ${[...allowed].sort().join(', ')} (got ${describe(value)})`);
    return fallback ?? allowed[0];
  }
}
