import type { FastifyInstance } from 'fastify';

/**
 * A fetch that hands requests to this server's own routes in memory (fastify's inject): the App reaches the
 * embedded catalog through the same Port client and the same routes, without a socket and an HTTP parse each way.
 */
export function injectFetch(app: FastifyInstance, baseUrl: string): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(baseUrl)) return fetch(input, init);
    const response = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.slice(baseUrl.length),
      headers: init?.headers as Record<string, string> | undefined,
      ...(typeof init?.body === 'string' && { payload: init.body }),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    return new Response(response.body, { status: response.statusCode, headers });
  };
}
