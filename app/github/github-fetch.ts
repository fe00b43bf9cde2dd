/**
 * The fetch every GitHub call of the App goes through: a time limit per call, and an answer read only up to a
 * limit, so a GitHub (or a GitHub Enterprise Server, or whatever GHE_HOST points at) that hangs or answers without
 * end cannot hold a call, a delivery or a shutdown, nor fill the memory.
 */

import { AnswerTooLargeError, readBoundedBytes } from '../../src/port/index.ts';

const MiB = 1024 * 1024;

/** How long one GitHub call may take, answer included. */
export const GITHUB_TIMEOUT_MS = 15_000;

/**
 * How much of an answer is read: 1 MiB, more where a call needs it: GraphQL pages carry files of up to 100
 * repositories, a pull request's files page carries the patches, a page of workflow runs their repositories, and a
 * recursive tree lists a whole repository.
 */
export function answerLimitFor(url: string): number {
  const path = new URL(url).pathname;
  if (path.endsWith('/graphql')) return 32 * MiB;
  if (/\/pulls\/\d+\/files$/.test(path)) return 8 * MiB;
  // A page of 100 workflow runs carries two repositories and a commit each: over 1 MiB.
  if (/\/actions\/(?:workflows\/[^/]+\/)?runs$/.test(path)) return 8 * MiB;
  // A recursive tree lists up to 100,000 entries (about 200 bytes each) before GitHub truncates it.
  if (/\/git\/trees\/[^/]+$/.test(path)) return 32 * MiB;
  return MiB;
}

export interface GithubFetchOptions {
  timeoutMs?: number;
  /** Aborts every call under way (the App is stopping). */
  stop?: AbortSignal;
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** Reads `response`'s body, at most `limit` bytes; throws (and stops reading) past it. */
async function readLimited(response: Response, limit: number, what: string): Promise<Uint8Array> {
  try {
    return await readBoundedBytes(response, limit);
  } catch (error) {
    if (!(error instanceof AnswerTooLargeError)) throw error;
    throw new Error(`GitHub's answer to ${what} is larger than ${limit} bytes; it was not read`, { cause: error });
  }
}

/** A fetch for Octokit's `request.fetch` option (Octokit reads the answer it returns as it would any other). */
export function githubFetch(options: GithubFetchOptions = {}): typeof fetch {
  const timeoutMs = options.timeoutMs ?? GITHUB_TIMEOUT_MS;
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const what = `${init.method ?? 'GET'} ${new URL(url).pathname}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, options.stop, init.signal].filter((signal): signal is AbortSignal => !!signal);
    const signal = AbortSignal.any(signals);
    try {
      const response = await fetch(input, { ...init, signal });
      const body = NO_BODY.has(response.status) ? null : await readLimited(response, answerLimitFor(url), what);
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (timeout.aborted)
        throw new Error(`GitHub did not answer ${what} within ${timeoutMs / 1000} s`, { cause: error });
      if (options.stop?.aborted) {
        // Named AbortError: Octokit passes it on as it is, and its retry plugin does not retry it (a retry would
        // hold the shutdown for its back-off).
        const abandoned = new Error(`wharf is stopping: ${what} was abandoned`, { cause: error });
        abandoned.name = 'AbortError';
        throw abandoned;
      }
      throw error;
    }
  };
}
