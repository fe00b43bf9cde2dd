import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FailedAttempts } from '../../../src/throttle/index.ts';
import { type Credentials, secretsEqual } from '../../auth/index.ts';
import { ApiError, parseOrInvalid } from '../../errors.ts';
import type { CatalogContext } from '../../operations/index.ts';

export const TOKEN_LIFETIME_SECONDS = 3 * 60 * 60;

const tokenRequestSchema = z.object({ clientId: z.string(), clientSecret: z.string() });

export function registerAuthRoutes(
  app: FastifyInstance,
  ctx: CatalogContext,
  credentials: Credentials,
  warn: (message: string) => void,
  /** Failed attempts per address, shared with the console's sign-in: a guesser gets one allowance, not two. */
  failures: FailedAttempts,
): void {
  app.post('/v1/auth/access_token', async (request, reply) => {
    // Refused before the credential is compared, so a source over its limit learns nothing from further guesses.
    const retryAfter = failures.retryAfter(request.ip, Date.now());
    if (retryAfter !== undefined) {
      void reply.header('retry-after', String(retryAfter));
      throw new ApiError(429, 'rate_limit_exceeded', failures.describeRefusal(request.ip, retryAfter));
    }
    const body = parseOrInvalid(tokenRequestSchema, request.body, 'body');
    // Both compared, always, so the answer's timing does not tell which one was wrong.
    const idMatches = secretsEqual(body.clientId, credentials.clientId);
    const secretMatches = secretsEqual(body.clientSecret, credentials.clientSecret);
    if (!idMatches || !secretMatches) {
      failures.fail(request.ip, Date.now());
      warn(
        `POST /v1/auth/access_token: wrong credentials for client id ${JSON.stringify(body.clientId)} from ${request.ip}`,
      );
      throw new ApiError(401, 'unauthorized', 'clientId or clientSecret is wrong');
    }
    const now = Date.now();
    const issued = await ctx.tokens.issue(
      credentials,
      TOKEN_LIFETIME_SECONDS * 1000,
      now,
      ctx.settings.organizationId(),
    );
    return {
      ok: true,
      accessToken: issued.accessToken,
      expiresIn: Math.floor((issued.expiresAt - now) / 1000),
      tokenType: 'Bearer',
    };
  });
}
