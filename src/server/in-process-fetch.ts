import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../../catalog/index.ts';
import type { PortFetch, PortFetchAnswer } from '../port/index.ts';

/** What the catalog sees as the address of the App's calls in memory. */
const IN_PROCESS_ADDRESS = 'in-process';

/**
 * A fetch for the App's Port client when the embedded catalog runs in this process. The run calls of every report
 * are answered by the catalog directly (`Catalog.answerInProcess`); any other call goes to this server's own routes
 * in memory (fastify's inject). Neither opens a socket, parses HTTP, or builds a web Request and Response the client
 * only reads three things of.
 */
export function inProcessFetch(app: FastifyInstance, baseUrl: string, catalog: Catalog): PortFetch {
  return async (url, init) => {
    if (!url.startsWith(baseUrl)) return fetch(url, init);
    const target = url.slice(baseUrl.length);
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    const answering = catalog.answerInProcess({
      method: init.method,
      path,
      query: new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1)),
      body: init.body,
    });
    if (answering) {
      const direct = await answering;
      return answer(direct.status, () => null, direct.body);
    }
    const response = await app.inject({
      method: init.method as 'GET',
      url: target,
      // A source of its own: failures from outside on 127.0.0.1 (or a proxy there) never throttle the App's calls.
      remoteAddress: IN_PROCESS_ADDRESS,
      headers: init.headers,
      ...(init.body !== undefined && { payload: init.body }),
    });
    return answer(
      response.statusCode,
      (name) => {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value);
      },
      response.body,
    );
  };
}

function answer(status: number, header: (name: string) => string | null, body: string): PortFetchAnswer {
  return { status, headers: { get: header }, text: async () => body };
}
