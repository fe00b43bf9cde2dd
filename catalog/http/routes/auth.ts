import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Credentials, secretsEqual } from '../../auth/index.ts';
import { ApiError, formatIssuePath, invalidRequest } from '../../errors.ts';
import type { CatalogContext } from '../../operations/index.ts';

export const TOKEN_LIFETIME_SECONDS = 3 * 60 * 60;

const tokenRequestSchema = z.object({ clientId: z.string(), clientSecret: z.string() });

export function registerAuthRoutes(app: FastifyInstance, ctx: CatalogContext, credentials: Credentials): void {
  app.post('/v1/auth/access_token', async (request) => {
    const parsed = tokenRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalidRequest(`${formatIssuePath('body', issue.path)}: ${issue.message}`);
    }
    // Both compared, always, so the answer's timing does not tell which one was wrong.
    const idMatches = secretsEqual(parsed.data.clientId, credentials.clientId);
    const secretMatches = secretsEqual(parsed.data.clientSecret, credentials.clientSecret);
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
