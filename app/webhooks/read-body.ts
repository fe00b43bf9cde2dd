import type { IncomingMessage } from 'node:http';

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones, so nothing larger is a real delivery. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 400 | 413; message: string };

const tooLarge = (limit: number): BodyRead => ({
  ok: false,
  status: 413,
  message: `the payload is larger than ${limit} bytes (GitHub's limit for a webhook delivery)`,
});

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the limit is refused before a byte
 * is read; a chunked body is counted as it streams and refused as soon as it passes the limit, so no more than
 * `limit` bytes are ever held.
 */
export async function readBoundedBody(request: IncomingMessage, limit = MAX_WEBHOOK_BYTES): Promise<BodyRead> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return tooLarge(limit);
  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: BodyRead): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        chunks.length = 0;
        // Stop reading: the rest of the body is never buffered; the answer closes the connection.
        request.pause();
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, received) });
    const onError = (): void => finish({ ok: false, status: 400, message: 'the request body was cut off' });
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
