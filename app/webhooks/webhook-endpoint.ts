import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { parseJson } from '../../src/json/index.ts';
import { payloadProblem } from './payload-shape.ts';
import { MAX_WEBHOOK_BYTES, readBoundedBody } from './read-body.ts';

/** Where the App registers its handlers: Probot's `on`, with every handler's failure kept from Probot's logger. */
export type WebhookApp = Pick<Probot, 'on'>;

export type WebhookHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** GitHub gives up on a delivery not answered within 10 s; answer 202 before that when handlers take longer. */
const ANSWER_WITHIN_MS = 9_000;

/**
 * A header as it may go in a log line: quoted and escaped, at most 100 characters, so a forged header cannot write
 * lines of its own or flood the log.
 */
const printable = (value: string): string => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

function answer(response: ServerResponse, status: number, error: string, message: string, close = false): void {
  const body = JSON.stringify({ ok: false, error, message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(close && { connection: 'close' }),
  });
  response.end(body);
}

/**
 * `POST /api/github/webhooks`, in place of Probot's middleware: the body is read up to GitHub's 25 MB limit (413
 * beyond it, before it is buffered), the signature is checked, the payload must be JSON with what the handlers need
 * (400 otherwise, with a plain message), and only then do the handlers run. Nothing here logs a payload: a bad
 * signature or a failed handler is one warning naming the event and the delivery. (Probot's own error logger would
 * log the whole event, so handler failures never reach it.)
 */
export async function webhookEndpoint(
  probot: Probot,
  register: (app: WebhookApp) => void,
  warn: (message: string) => void,
): Promise<WebhookHandler> {
  const failures = new WeakMap<object, unknown>();
  const app: WebhookApp = {
    on: ((name: Parameters<Probot['on']>[0], handler: (context: { payload: object }) => Promise<void>) =>
      probot.on(name, async (context) => {
        try {
          await handler(context as { payload: object });
        } catch (error) {
          if (!failures.has(context.payload)) failures.set(context.payload, error);
        }
      })) as Probot['on'],
  };
  register(app);
  await probot.ready();
  const { webhooks } = probot;

  return async (request, response) => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return answer(
        response,
        405,
        'method_not_allowed',
        `${request.method} is not allowed here: GitHub POSTs webhooks`,
      );
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!/^\s*application\/json\s*(;|$)/i.test(contentType)) {
      return answer(
        response,
        415,
        'unsupported_media_type',
        'content-type must be application/json (set the GitHub App\'s webhook content type to "application/json")',
        true,
      );
    }
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const name = header('x-github-event');
    const id = header('x-github-delivery');
    const signature = header('x-hub-signature-256');
    const missing = [
      name ? undefined : 'x-github-event',
      id ? undefined : 'x-github-delivery',
      signature ? undefined : 'x-hub-signature-256',
    ].filter(Boolean);
    if (!name || !id || !signature) {
      return answer(response, 400, 'bad_request', `required headers are missing: ${missing.join(', ')}`, true);
    }
    const read = await readBoundedBody(request, MAX_WEBHOOK_BYTES);
    if (!read.ok) {
      return answer(
        response,
        read.status,
        read.status === 413 ? 'payload_too_large' : 'bad_request',
        read.message,
        true,
      );
    }
    const text = read.body.toString('utf8');
    const verified = await webhooks.verify(text, signature).catch(() => false);
    if (!verified) {
      warn(
        `webhook ${printable(name)} delivery ${printable(id)}: x-hub-signature-256 does not match the payload and WEBHOOK_SECRET; ignored`,
      );
      return answer(
        response,
        400,
        'bad_signature',
        "x-hub-signature-256 does not match the payload and the App's webhook secret",
      );
    }
    let payload: unknown;
    try {
      payload = parseJson(text);
    } catch (error) {
      return answer(response, 400, 'bad_request', `the payload is not JSON: ${(error as Error).message}`);
    }
    const problem = payloadProblem(name, payload);
    if (problem) return answer(response, 400, 'bad_request', problem);

    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS);
    });
    const handled = webhooks
      .receive({ id, name, payload } as Parameters<typeof webhooks.receive>[0])
      .then(() => failures.get(payload as object))
      .catch((error: unknown) => error);
    const failed = (error: unknown): void => {
      const reason = error instanceof Error ? error.message : String(error);
      warn(`webhook ${printable(name)} delivery ${printable(id)} failed: ${reason}`);
    };
    const outcome = await Promise.race([handled, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      void handled.then((error) => error !== undefined && failed(error));
      response.writeHead(202, { 'content-type': 'text/plain' }).end('still processing\n');
      return;
    }
    if (outcome !== undefined) {
      failed(outcome);
      return answer(response, 500, 'internal', `the App could not handle this ${name} delivery; its log says why`);
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  };
}
