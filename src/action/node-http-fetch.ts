import type { Agent, IncomingMessage } from 'node:http';

/**
 * The subset of fetch the Port client uses (method, headers, string body, signal; status, headers.get, body, text),
 * on node:http. Node's own fetch loads undici on its first call, ~40 ms: a quarter of the Action's cold start.
 * It sends exactly the request the client describes; only the transport differs.
 *
 * As with fetch, the answer resolves once its headers arrive and its body is a stream: the client reads it up to
 * the call's limit, and stopping early closes the connection instead of buffering whatever the server sends.
 *
 * Failures look like fetch's, since the client tells them apart the same way: an abort rejects with the signal's
 * reason (a TimeoutError for AbortSignal.timeout), before the headers and while the body is read; anything else
 * with TypeError("fetch failed") whose `cause` is the socket error and its code (ECONNREFUSED: never sent, so safe
 * to resend).
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
      let response: IncomingMessage | undefined;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        outcome();
      };
      const fail = (error: Error) =>
        settle(() => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })));
      // The body's reader sees the signal's reason too: a timeout while reading reads as a timeout.
      const onAbort = () => {
        const reason = signal!.reason as Error;
        request.destroy(reason);
        response?.destroy(reason);
      };
      const stopWatching = () => signal?.removeEventListener('abort', onAbort);

      const request = send(url, { method: init.method ?? 'GET', headers, agent }, (incoming: IncomingMessage) => {
        response = incoming;
        incoming.on('aborted', () =>
          incoming.destroy(new Error('the connection closed before the answer was complete')),
        );
        incoming.on('close', stopWatching);
        settle(() => resolve(answer(incoming)));
      });
      request.on('error', (error) => {
        stopWatching();
        fail(error);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  return nodeFetch as typeof fetch;
}

/** The part of a Response the client reads: the body is the message itself (node streams are async iterables). */
function answer(response: IncomingMessage): Response {
  const { headers } = response;
  const status = response.statusCode ?? 0;
  const readAll = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const result = {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string): string | null {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: response,
    text: readAll,
    json: async () => JSON.parse(await readAll()) as unknown,
  };
  return result as unknown as Response;
}
