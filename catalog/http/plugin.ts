import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonValueProblem, parseJson } from '../../src/json/index.ts';
import type { Credentials } from '../auth/index.ts';
import { ApiError, invalidRequest } from '../errors.ts';
import { type Actor, type CatalogContext, datasourceOf } from '../operations/index.ts';
import { RateLimiter, type RateLimitSettings } from './rate-limit.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerBlueprintRoutes } from './routes/blueprints.ts';
import { registerEntityRoutes } from './routes/entities.ts';
import { registerIntegrationRoutes } from './routes/integrations.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { DEFAULT_FAILED_ATTEMPTS, FailedAttempts } from '../../src/throttle/index.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface CatalogHttpOptions {
  ctx: CatalogContext;
  credentials: Credentials;
  rateLimit: RateLimitSettings;
  /** Where failed credential attempts are reported (never with the secret). */
  warn?: ((message: string) => void) | undefined;
  /** Failed credential attempts per address, shared with the console's sign-in; a counter of its own when absent. */
  failedAttempts?: FailedAttempts | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The client the bearer token was issued to; set for every authenticated `/v1` route. */
    clientId: string;
  }
}

const PUBLIC_ROUTES = new Set(['POST /v1/auth/access_token']);

/** The `/v1` routes of the embedded catalog, with their auth, rate limit, body parsing and error envelope. */
export async function catalogRoutes(app: FastifyInstance, options: CatalogHttpOptions): Promise<void> {
  const { ctx } = options;
  const limiter = new RateLimiter(options.rateLimit);
  app.decorateRequest('clientId', '');

  // Parsed here rather than by fastify so a malformed body is answered with the parser's position. Every other
  // content type is refused (415) rather than handed to a route as a string it would misreport as a type error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: MAX_BODY_BYTES },
    (request, body, done) => {
      try {
        const itemsKey = BODIES_CHECKED_PER_ITEM.get(`${request.method} ${request.routeOptions.url}`);
        done(null, parseRequestBody(String(body), itemsKey));
      } catch (error) {
        done(error as ApiError, undefined);
      }
    },
  );

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-trace-id', request.id);
    const routeKey = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    if (!PUBLIC_ROUTES.has(routeKey)) request.clientId = await authenticate(ctx, options.credentials, request);
    const state = limiter.take(request.clientId || `ip:${request.ip}`, Date.now());
    reply.headers(state.headers);
    if (!state.allowed) {
      throw new ApiError(
        429,
        'rate_limit_exceeded',
        `rate limit of ${options.rateLimit.limit} requests per ${options.rateLimit.periodSeconds} s reached; retry after ${state.headers['retry-after']} s`,
      );
    }
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => sendError(error, request, reply));
  // Under /v1 only, so an unknown /v1 path still asks for a token first; other paths are the server's to answer.
  await app.register(
    async (v1) => {
      v1.setNotFoundHandler((request, reply) => sendError(noRoute(request.method, request.url), request, reply));
    },
    { prefix: '/v1' },
  );

  registerAuthRoutes(
    app,
    ctx,
    options.credentials,
    options.warn ?? ((message) => app.log.warn(message)),
    options.failedAttempts ?? new FailedAttempts(DEFAULT_FAILED_ATTEMPTS),
  );
  registerBlueprintRoutes(app, ctx);
  registerEntityRoutes(app, ctx);
  registerSearchRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerIntegrationRoutes(app, ctx);
}

/**
 * Bodies whose items (under this key) are written one by one, each failing on its own: the route checks each
 * item's JSON (jsonValueProblem), so an item nested too deep fails alone instead of the whole body.
 */
const BODIES_CHECKED_PER_ITEM = new Map([['POST /v1/blueprints/:blueprint/entities/bulk', 'entities']]);

/**
 * A JSON request body; an empty one is none. Malformed JSON is a 400 naming where it breaks; JSON that wharf
 * cannot keep as sent (too deep, a number out of range, a `__proto__` key) is a 422 naming the path. Items under
 * `itemsKey` are left for the route to check one by one.
 */
export function parseRequestBody(text: string, itemsKey?: string): unknown {
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = parseJson(text);
  } catch (error) {
    throw new ApiError(400, 'bad_request', `request body is not valid JSON: ${(error as Error).message}`);
  }
  const items = itemsKey === undefined ? undefined : (body as Record<string, unknown> | null)?.[itemsKey];
  const problem = jsonValueProblem(body, 'body', Array.isArray(items) ? items : undefined);
  if (problem) throw invalidRequest(`${problem.path}: ${problem.problem}`);
  return body;
}

/** The actor of a write: the authenticated client, the run given as `run_id`, and the integration it comes from. */
export function actorOf(request: FastifyRequest, runId?: string): Actor {
  return { clientId: request.clientId, runId, datasource: datasourceOf(request.headers['user-agent']) };
}

async function authenticate(ctx: CatalogContext, credentials: Credentials, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  if (!header) {
    throw new ApiError(
      401,
      'unauthorized',
      'missing Authorization header: get a token from POST /v1/auth/access_token and send "Authorization: Bearer <token>"',
    );
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const clientId = match ? await ctx.tokens.verify(match[1]!, credentials, Date.now()) : undefined;
  if (!clientId) {
    throw new ApiError(
      401,
      'unauthorized',
      'the access token is invalid or expired: get a new one from POST /v1/auth/access_token',
    );
  }
  return clientId;
}

/** 404 `not_found` for a path no route serves. */
export function noRoute(method: string, url: string): ApiError {
  return new ApiError(404, 'not_found', `no route ${method} ${url.split('?')[0]}`);
}

function sendError(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = errorAnswer(error, request.headers['content-type']);
  if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
  return reply.status(answer.status).send(answer.body);
}

/** The contract's error envelope for an error, and its status. */
export function errorAnswer(
  error: FastifyError | ApiError,
  contentType?: string,
): { status: number; body: Record<string, unknown> } {
  const apiError = toApiError(error, contentType);
  return {
    status: apiError.status,
    body: { ok: false, error: apiError.code, message: apiError.message, ...apiError.details },
  };
}

/** Fastify's own errors (body too large, wrong content type) in the contract's envelope. */
function toApiError(error: FastifyError | ApiError, contentType: string | undefined): ApiError {
  if (error instanceof ApiError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        `request body ${contentType ? `of content type "${contentType}"` : 'without a Content-Type'} is not supported: send JSON with "Content-Type: application/json"`,
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad_request', 'request body length does not match Content-Length');
    default:
      if (error.statusCode !== undefined && error.statusCode < 500) {
        return new ApiError(error.statusCode, 'bad_request', error.message);
      }
      return new ApiError(500, 'internal_error', 'internal error; the server log has the details under this trace id');
  }
}
