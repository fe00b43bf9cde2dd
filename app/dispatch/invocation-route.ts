import type { FastifyInstance } from 'fastify';
import { parseJson } from '../../src/json/index.ts';
import {
  MAX_SIGNATURES,
  SIGNATURE_HEADER,
  type SignatureProblem,
  TIMESTAMP_HEADER,
  verifyPortSignature,
} from '../../src/signing/index.ts';
import type { AppState } from '../state/index.ts';
import type { Dispatcher } from './dispatcher.ts';
import { checkInvocation } from './invocation.ts';

export const INVOCATIONS_PATH = '/api/port/invocations';
const TOLERANCE_SECONDS = 300;

const SIGNATURE_PROBLEMS: Record<SignatureProblem, string> = {
  missing: 'the request is not signed: x-port-timestamp and x-port-signature are required',
  'malformed-timestamp': 'x-port-timestamp is not a number of seconds',
  'malformed-signature': `x-port-signature is malformed: expected "v1,<base64 HMAC-SHA256>" (at most ${MAX_SIGNATURES}, separated by single spaces)`,
  stale: `x-port-timestamp is more than ${TOLERANCE_SECONDS} s away from now`,
  mismatch: 'x-port-signature does not match the body and the Port client secret',
};

/**
 * `POST /api/port/invocations`: a signed invocation (docs/design.md) becomes a dispatch. Anything unsigned, badly
 * signed, stale or replayed is refused with 401 and nothing happens; the raw bytes are what the signature covers.
 */
export async function invocationRoute(
  app: FastifyInstance,
  options: { secret: string; state: AppState; dispatcher: Dispatcher },
): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  app.post(INVOCATIONS_PATH, async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const signed = verifyPortSignature({
      secret: options.secret,
      rawBody,
      timestamp: header(TIMESTAMP_HEADER),
      signature: header(SIGNATURE_HEADER),
      toleranceSeconds: TOLERANCE_SECONDS,
    });
    if (!signed.ok) {
      return reply.status(401).send({ ok: false, error: 'unauthorized', message: SIGNATURE_PROBLEMS[signed.problem] });
    }
    // A signature is good once: the same request sent again within its lifetime is a replay, however its header
    // is dressed (the canonical signature is the key, not the header as sent).
    if (!(await options.state.claimOnce(`signature:${signed.signature}`, 2 * TOLERANCE_SECONDS * 1000, Date.now()))) {
      return reply
        .status(401)
        .send({ ok: false, error: 'unauthorized', message: 'this signed request was already received (replay)' });
    }

    let body: unknown;
    try {
      body = parseJson(rawBody.toString('utf8'));
    } catch (error) {
      return reply
        .status(400)
        .send({ ok: false, error: 'bad_request', message: `body is not JSON: ${(error as Error).message}` });
    }
    const check = checkInvocation(body);
    if (!check.ok) {
      if (check.runId) await options.dispatcher.reject(check.runId, check.problem);
      return reply.status(422).send({ ok: false, error: 'invalid_request', message: check.problem });
    }
    const fresh = await options.dispatcher.receive(check.invocation);
    return reply.status(202).send({ ok: true, runId: check.invocation.runId, duplicate: !fresh });
  });
}
