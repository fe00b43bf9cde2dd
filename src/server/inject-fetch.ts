import type { FastifyInstance } from 'fastify';
import type { PortFetch, PortFetchAnswer } from '../port/index.ts';

/**
 * A fetch for the Port client that hands requests to this server's own routes in memory (fastify's inject): the App
 * reaches the embedded catalog through the same client and the same routes, without a socket and an HTTP parse each
 * way, and without building a web Request and Response the client only reads three things of.
 */
export function injectFetch(app: FastifyInstance, baseUrl: string): PortFetch {
  return async (url, init) => {
    if (!url.startsWith(baseUrl)) return fetch(url, init);
    const response = await app.inject({
      method: init.method as 'GET',
      url: url.slice(baseUrl.length),
      headers: init.headers,
      ...(init.body !== undefined && { payload: init.body }),
    });
    const answer: PortFetchAnswer = {
      status: response.statusCode,
      headers: {
        get: (name) => {
          const value = response.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value);
        },
      },
      text: async () => response.body,
    };
    return answer;
  };
}
