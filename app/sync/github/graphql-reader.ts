/**
 * GraphQL (and REST) reads of one installation, within GitHub's rate limits (see rate-limits.ts): the client is the one
 * GithubAccess.readOctokit gives, without Probot's throttling, so the pacing here is the only pacing.
 */
import type { GithubAccess, GithubClient } from '../../github/index.ts';
import { wait } from '../../../src/retry/index.ts';
import { quotaFromHeaders, type Quota, type RateLimitPolicy, retryDecision } from './rate-limits.ts';

export interface GraphqlRead {
  <T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/** A REST GET (`route`, Octokit's form) and its parameters: the answer's data. */
export interface RestRead {
  <T>(route: string, parameters: Record<string, unknown>): Promise<T>;
}

/** A page of a REST list answer and where the next one is (GitHub's `Link: <...>; rel="next"`). */
export interface RestPage<T> {
  data: T;
  /** The `rel="next"` url's query parameters (`page`, `after`, ...), or null on the last page. */
  next: Record<string, string> | null;
}

export interface RestPageRead {
  <T>(route: string, parameters: Record<string, unknown>): Promise<RestPage<T>>;
}

type Api = 'graphql' | 'rest';

/** Requests sent to GitHub (each API apart) and the GraphQL points they cost, by GitHub's own count. */
export interface GithubUsage {
  graphql: number;
  rest: number;
  points: number;
}
const API_NAMES: Record<Api, string> = { graphql: 'GraphQL', rest: 'REST' };

interface RateLimitField {
  rateLimit?: { cost?: number; remaining?: number; resetAt?: string } | null;
}

/** Calls at once per installation: GitHub's guidance is to send them one after another; a few overlap for events. */
const CONCURRENCY = 4;

/**
 * The GraphQL reads of every installation, sharing what is known of each installation's quota, so that a resync
 * running low makes live events wait too (or fail fast, per their policy) instead of being refused.
 */
export class GithubReads {
  private readonly github: GithubAccess;
  private readonly warn: (message: string) => void;
  /** By `<api>:<installation id>`: GitHub counts the GraphQL and the REST quota apart. */
  private readonly quotas = new Map<string, Quota>();
  private readonly slots = new Map<number, { active: number; waiting: Array<() => void> }>();
  private readonly clients = new Map<number, { client: Promise<GithubClient>; until: number }>();
  private readonly used = new Map<number, GithubUsage>();

  constructor(github: GithubAccess, warn: (message: string) => void) {
    this.github = github;
    this.warn = warn;
  }

  /** A reader for one installation under `policy`; `signal` aborts its waits (a resync being stopped). */
  reader(installationId: number, policy: RateLimitPolicy, signal?: AbortSignal): GraphqlRead {
    return <T>(query: string, variables: Record<string, unknown>): Promise<T> =>
      this.paced(installationId, 'graphql', policy, signal, async (client) => {
        const data = await client.graphql<T & RateLimitField>(query, {
          ...variables,
          ...(signal && { request: { signal } }),
        });
        const limit = data?.rateLimit;
        if (typeof limit?.cost === 'number') this.count(installationId).points += limit.cost;
        const quota =
          limit && typeof limit.remaining === 'number' && limit.resetAt
            ? { remaining: limit.remaining, resetAt: Date.parse(limit.resetAt) }
            : undefined;
        return { data, quota };
      });
  }

  /**
   * REST GETs of one installation under `policy` (`route` such as `GET /repos/{owner}/{repo}/git/trees/{tree_sha}`),
   * paced like the GraphQL reads against the REST quota, which GitHub counts apart.
   */
  restReader(installationId: number, policy: RateLimitPolicy, signal?: AbortSignal): RestRead {
    const read = this.restPageReader(installationId, policy, signal);
    return async <T>(route: string, parameters: Record<string, unknown>): Promise<T> =>
      (await read<T>(route, parameters)).data;
  }

  /** REST GETs of list routes: the answer's data and the parameters of its next page (GitHub's Link header). */
  restPageReader(installationId: number, policy: RateLimitPolicy, signal?: AbortSignal): RestPageRead {
    return <T>(route: string, parameters: Record<string, unknown>): Promise<RestPage<T>> =>
      this.paced(installationId, 'rest', policy, signal, async (client) => {
        const response = await client.request(route, { ...parameters, ...(signal && { request: { signal } }) });
        const headers = response.headers as Record<string, string | number | undefined>;
        return {
          data: { data: response.data as T, next: nextPageOf(headers.link) },
          quota: quotaFromHeaders(headers),
        };
      });
  }

  /** Requests sent and GraphQL points spent for each installation since the App started (resync reports). */
  usage(installationId: number): GithubUsage {
    return { ...(this.used.get(installationId) ?? { graphql: 0, rest: 0, points: 0 }) };
  }

  /** One call: waits for the quota, takes a slot, retries as GitHub asks (rate-limits.ts). */
  private async paced<T>(
    installationId: number,
    api: Api,
    policy: RateLimitPolicy,
    signal: AbortSignal | undefined,
    call: (client: GithubClient) => Promise<{ data: T; quota: Quota | undefined }>,
  ): Promise<T> {
    const key = `${api}:${installationId}`;
    for (let retry = 1; ; retry++) {
      await this.waitForQuota(installationId, api, policy, signal);
      try {
        this.count(installationId)[api]++;
        const { data, quota } = await this.withSlot(installationId, async () =>
          call(await this.client(installationId)),
        );
        if (quota) this.quotas.set(key, quota);
        return data;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const partial = api === 'graphql' ? partialData<T>(error) : undefined;
        if (partial !== undefined) {
          this.noteQuota(key, partial as RateLimitField);
          return partial;
        }
        const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers;
        const quota = headers && quotaFromHeaders(headers);
        if (quota) this.quotas.set(key, quota);
        const decision = retryDecision(error, retry, policy, Date.now());
        if (!decision.retry || retry > policy.maxRetries || decision.waitMs > policy.maxWaitMs) throw error;
        this.warn(
          `GitHub ${API_NAMES[api]} for installation ${installationId}: ${decision.reason}; retry ${retry} of ${policy.maxRetries} in ${Math.ceil(decision.waitMs / 1000)} s`,
        );
        await wait(decision.waitMs, signal);
      }
    }
  }

  /** The REST API's base URL (https://api.github.com, or a GitHub Enterprise Server's .../api/v3). */
  async apiUrl(installationId: number): Promise<string> {
    const client = await this.client(installationId);
    return client.request.endpoint.DEFAULTS.baseUrl;
  }

  private async client(installationId: number): Promise<GithubClient> {
    const cached = this.clients.get(installationId);
    if (cached && cached.until > Date.now()) return cached.client;
    const client = this.github.readOctokit(installationId).then(plainGraphqlAnswers);
    // The client fetches and renews its installation token itself; keep it a while rather than build one per call.
    this.clients.set(installationId, { client, until: Date.now() + 10 * 60_000 });
    client.catch(() => this.clients.delete(installationId));
    return client;
  }

  private count(installationId: number): GithubUsage {
    let used = this.used.get(installationId);
    if (!used) this.used.set(installationId, (used = { graphql: 0, rest: 0, points: 0 }));
    return used;
  }

  private noteQuota(key: string, data: RateLimitField | null | undefined): void {
    const limit = data?.rateLimit;
    if (limit && typeof limit.remaining === 'number' && limit.resetAt) {
      this.quotas.set(key, { remaining: limit.remaining, resetAt: Date.parse(limit.resetAt) });
    }
  }

  private async waitForQuota(
    installationId: number,
    api: Api,
    policy: RateLimitPolicy,
    signal?: AbortSignal,
  ): Promise<void> {
    const key = `${api}:${installationId}`;
    const quota = this.quotas.get(key);
    if (!quota || quota.remaining > policy.reserve) return;
    const waitMs = quota.resetAt - Date.now() + 1000;
    if (waitMs <= 0) return;
    if (waitMs > policy.maxWaitMs) {
      throw new Error(
        `the GitHub ${API_NAMES[api]} quota of installation ${installationId} is down to ${quota.remaining} points until ${new Date(quota.resetAt).toISOString()}`,
      );
    }
    this.warn(
      `GitHub ${API_NAMES[api]} quota of installation ${installationId} at ${quota.remaining} points: waiting ${Math.ceil(waitMs / 1000)} s for its reset`,
    );
    await wait(waitMs, signal);
    this.quotas.delete(key);
  }

  private async withSlot<T>(installationId: number, work: () => Promise<T>): Promise<T> {
    let slot = this.slots.get(installationId);
    if (!slot) this.slots.set(installationId, (slot = { active: 0, waiting: [] }));
    if (slot.active < CONCURRENCY) slot.active++;
    else await new Promise<void>((resolve) => slot.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = slot.waiting.shift();
      if (next) next();
      else slot.active--;
    }
  }
}

/**
 * Has `client` parse its GraphQL answers with JSON.parse. Octokit parses every JSON answer with json-with-bigint,
 * whose reviver makes an object and a copy of the source text for every value: in a resync of 10,000 repositories
 * that was a third of the App's allocations (over 1 GB) and ~2 s of CPU, and the garbage grew its heap. GitHub's
 * GraphQL has no number past 2^53 (`Int` is 32-bit, `BigInt` and ids are strings), so the answer is the same. REST
 * answers are parsed as before. An answer that is not JSON stays text, as Octokit leaves it.
 */
function plainGraphqlAnswers(client: GithubClient): GithubClient {
  client.hook.wrap('request', async (request, options) => {
    if (!/\/graphql$/.test(String(options.url)) || options.request?.parseSuccessResponseBody === false) {
      return request(options);
    }
    // In place: the hooks inside this one (auth, retries) were bound to this very options object.
    options.request = { ...options.request, parseSuccessResponseBody: false };
    const response = await request(options);
    const body = response.data as ReadableStream<Uint8Array> | null;
    const text = body ? await new Response(body).text() : '';
    let data: unknown = text;
    if (text && /json/i.test(String(response.headers['content-type'] ?? ''))) {
      try {
        data = JSON.parse(text);
      } catch {
        // as Octokit: the text
      }
    }
    return { ...response, data };
  });
  return client;
}

/**
 * The data of an answer whose only errors are NOT_FOUND: a repository of the query that is gone or not visible to
 * the installation answers null, which the callers expect.
 */
function partialData<T>(error: unknown): T | undefined {
  const failure = error as { data?: unknown; errors?: Array<{ type?: string }> } | null;
  if (!failure?.data || !Array.isArray(failure.errors) || failure.errors.length === 0) return undefined;
  return failure.errors.every((problem) => problem.type === 'NOT_FOUND') ? (failure.data as T) : undefined;
}

/** The query parameters of the `rel="next"` url of a Link header, or null when there is no next page. */
export function nextPageOf(link: string | number | undefined): Record<string, string> | null {
  if (typeof link !== 'string') return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!match) continue;
    try {
      return Object.fromEntries(new URL(match[1]!).searchParams);
    } catch {
      return null;
    }
  }
  return null;
}
