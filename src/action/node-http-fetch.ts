import type { Agent, IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * The subset of fetch the Port client uses (method, headers, string body, signal; status, headers.get, text),
 * on node:http. Node's own fetch loads undici on its first call, ~40 ms: a quarter of the Action's cold start.
 * It sends exactly the request the client describes; only the transport differs.
 *
 * Failures look like fetch's, since the client tells them apart the same way: an abort rejects with the signal's
 * reason (a TimeoutError for AbortSignal.timeout), anything else with TypeError("fetch failed") whose `cause` is
 * the socket error and its code (ECONNREFUSED: never sent, so safe to resend).
 */
export function createNodeHttpFetch(): typeof fetch {
  const agents = new Map<string, Agent>();
  // Loaded on first use: https (and with it tls) only for an https URL.
  const transportFor = (protocol: string) => {
    const module =
      protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
    // Keep-alive: every call of a step goes to one host. Idle sockets are unref'd and do not hold the process.
    if (!agents.has(protocol)) agents.set(protocol, new module.Agent({ keepAlive: true }));
    return { request: module.request, agent: agents.get(protocol)! };
  };

  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const { signal } = init;
      if (signal?.aborted) return reject(signal.reason);
      const body = typeof init.body === 'string' ? init.body : undefined;
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

      const { request: send, agent } = transportFor(url.protocol);
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const fail = (error: Error) =>
        settle(() => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })));
      const onAbort = () => request.destroy(signal!.reason as Error);

      const request = send(url, { method: init.method ?? 'GET', headers, agent }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('aborted', () => fail(new Error('the connection closed before the answer was complete')));
        response.on('end', () =>
          settle(() => resolve(answer(response.statusCode ?? 0, response.headers, Buffer.concat(chunks)))),
        );
      });
      request.on('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  return nodeFetch as typeof fetch;
}

/** The part of a Response the client reads. */
function answer(status: number, headers: IncomingHttpHeaders, body: Buffer): Response {
  const text = body.toString('utf8');
  const response = {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string): string | null {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
  return response as unknown as Response;
}
