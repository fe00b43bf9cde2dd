import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './open-resources.ts';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  at: number;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status codes to answer, in order; once used up, every request gets `fallbackStatus`. */
  respondWith(statuses: number[], fallbackStatus?: number): void;
  /** Resolves once at least `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A local HTTP receiver standing in for a webhook target: records every request and answers as told. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let script: number[] = [];
  let fallback = 200;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = rawBody;
      }
      requests.push({
        method: request.method!,
        path: request.url!,
        headers: request.headers,
        rawBody,
        body,
        at: Date.now(),
      });
      const status = script.shift() ?? fallback;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status < 300 ? { ok: true } : { ok: false, error: `status ${status}` }));
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    requests,
    respondWith(statuses, fallbackStatus = 200) {
      script = [...statuses];
      fallback = fallbackStatus;
    },
    waitFor(count, timeoutMs = 10_000) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} requests, got ${requests.length}`)),
          timeoutMs,
        );
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(requests)) });
      });
    },
    close,
  };
}
