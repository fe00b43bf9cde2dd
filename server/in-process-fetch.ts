import type { FastifyInstance } from 'fastify';
import type { PortFetch } from '../src/port/index.ts';

/** What the catalog sees as the address of the App's calls in memory. */
const IN_PROCESS_ADDRESS = 'in-process';

/**
 * A fetch for the App's Port client when the embedded catalog runs in this process: calls to `baseUrl` go to this
 * server's own routes in memory (fastify's inject), through the catalog's one router with its hooks (the token
 * check, the rate limit), without a socket. Any other URL is fetched as usual.
 */
export function inProcessFetch(app: () => FastifyInstance, baseUrl: string): PortFetch {
  return async (url, init) => {
    if (!url.startsWith(baseUrl)) return fetch(url, init);
    const response = await app().inject({
      method: init.method as 'GET',
      url: url.slice(baseUrl.length),
      // A source of its own: failures from outside on 127.0.0.1 (or a proxy there) never throttle the App's calls.
      remoteAddress: IN_PROCESS_ADDRESS,
      headers: init.headers,
      ...(init.body !== undefined && { payload: init.body }),
    });
    return {
      status: response.statusCode,
      headers: {
        get: (name) => {
          const value = response.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value);
        },
      },
      text: async () => response.body,
    };
  };
}
