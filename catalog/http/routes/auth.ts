import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Credentials, secretsEqual } from '../../auth/index.ts';
import { ApiError, parseOrInvalid } from '../../errors.ts';
import type { CatalogContext } from '../../operations/index.ts';

export const TOKEN_LIFETIME_SECONDS = 3 * 60 * 60;

const tokenRequestSchema = z.object({ clientId: z.string(), clientSecret: z.string() });

export function registerAuthRoutes(app: FastifyInstance, ctx: CatalogContext, credentials: Credentials): void {
  app.post('/v1/auth/access_token', async (request) => {
    const body = parseOrInvalid(tokenRequestSchema, request.body, 'body');
    // Both compared, always, so the answer's timing does not tell which one was wrong.
    const idMatches = secretsEqual(body.clientId, credentials.clientId);
    const secretMatches = secretsEqual(body.clientSecret, credentials.clientSecret);
    if (!idMatches || !secretMatches) {
      throw new ApiError(401, 'unauthorized', 'clientId or clientSecret is wrong');
    }
    const now = Date.now();
    const issued = ctx.tokens.issue(credentials.clientId, TOKEN_LIFETIME_SECONDS * 1000, now);
    return {
      ok: true,
      accessToken: issued.accessToken,
      expiresIn: Math.floor((issued.expiresAt - now) / 1000),
      tokenType: 'Bearer',
    };
  });
}
