import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../__tests__/helpers/child-server.ts';
import { cpuMilliseconds, peakMemoryMiB, resetPeakMemory } from './stats.ts';

/** A wharf process (`npm start`) under benchmark, on a data directory of its own. */
export interface BenchProcess {
  url: string;
  pid: number;
  peakMemoryMiB(): number;
  /** Starts the peak memory afresh, so that peakMemoryMiB covers what ran since. */
  resetPeakMemory(): void;
  /** CPU time the server has used so far, in milliseconds. */
  cpuMilliseconds(): number;
  /** Stops it with `signal` (SIGTERM: a clean stop; SIGKILL: a crash) and removes its data directory. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface BenchCatalog extends BenchProcess {
  /** An authenticated request of any method; answers the parsed body, throws on 300 or more. */
  request(method: string, path: string, body?: unknown): Promise<unknown>;
  /** An authenticated POST that throws on any answer of 300 or more. */
  call(path: string, body: unknown): Promise<unknown>;
}

/** The credentials of a bench catalog's API (PORT_CLIENT_ID, PORT_CLIENT_SECRET of what reports to it). */
export const BENCH_CREDENTIALS = { clientId: 'bench', clientSecret: 'bench-secret' };

/**
 * The product as `npm start` runs it, in its own process on a fresh data directory (WHARF_DATA_DIR), with `env`
 * added. Set BENCH_PROFILE=1 to have it write a CPU profile to /tmp/prof.
 */
export async function startBenchProcess(env: Record<string, string> = {}): Promise<BenchProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  const server = await startChildServer({
    WHARF_DATA_DIR: dataDir,
    ...(process.env.BENCH_PROFILE ? { NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=/tmp/prof' } : {}),
    ...env,
  });
  const pid = server.process.pid!;
  return {
    url: server.url,
    pid,
    peakMemoryMiB: () => peakMemoryMiB(pid),
    resetPeakMemory: () => resetPeakMemory(pid),
    cpuMilliseconds: () => cpuMilliseconds(pid),
    stop: async (signal = 'SIGTERM') => {
      await server.stop(signal);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The product as `npm start` runs it with the embedded catalog, in its own process on a fresh data directory, with
 * a token (BENCH_CREDENTIALS). Set BENCH_PROFILE=1 to have it write a CPU profile to /tmp/prof.
 */
export async function startBenchCatalog(env: Record<string, string> = {}): Promise<BenchCatalog> {
  const credentials = BENCH_CREDENTIALS;
  const server = await startBenchProcess({
    PORT_CLIENT_ID: credentials.clientId,
    PORT_CLIENT_SECRET: credentials.clientSecret,
    WHARF_RATE_LIMIT: '1000000',
    ...env,
  });
  const { accessToken } = (await post(server.url, '/v1/auth/access_token', credentials)) as { accessToken: string };
  return {
    ...server,
    call: (path, body) => post(server.url, path, body, accessToken),
    request: (method, path, body) => send(server.url, method, path, body, accessToken),
  };
}

function post(url: string, path: string, body: unknown, token?: string): Promise<unknown> {
  return send(url, 'POST', path, body, token);
}

async function send(url: string, method: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}
