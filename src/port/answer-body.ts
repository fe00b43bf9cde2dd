/** 1 MiB: what a call's answer may hold unless the call says otherwise (`PortRequest.maxAnswerBytes`). */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
/** Calls whose answer holds one whole entity: an entity may be as large as a request body (1 MiB), plus its meta. */
export const ENTITY_MAX_ANSWER_BYTES = 2 * 1024 * 1024;
/** Search and list answers: a page of up to 1000 entities or runs. */
export const LIST_MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The answer's body as the client reads it: a stream when the fetch has one (fetch, node:http), else its text. */
export interface BoundedBodySource {
  headers: { get(name: string): string | null };
  body?: AsyncIterable<Uint8Array> | null;
  text(): Promise<string>;
}

/** An answer that holds more than the call allows; nothing past the limit was read. */
export class AnswerTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the answer is larger than ${describeBytes(maxBytes)}, the limit for this call`);
    this.name = 'AnswerTooLargeError';
    this.maxBytes = maxBytes;
  }
}

/**
 * The first `limit` bytes of a stream, and whether it went on past them. Leaving the loop early cancels the
 * stream, which closes the connection: a sender that answers without end costs at most `limit` bytes.
 */
export async function readAtMost(
  body: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.byteLength > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}

/**
 * The answer's body, reading at most `maxBytes`: a server that streams without end, or announces more than that,
 * is cut off instead of filling the memory, and the call fails with AnswerTooLargeError.
 */
export async function readBoundedBytes(answer: BoundedBodySource, maxBytes: number): Promise<Buffer> {
  const announced = Number(answer.headers.get('content-length') ?? Number.NaN);
  const { body } = answer;
  if (body === undefined || body === null) {
    // Only an in-memory answer has no stream: the limit is checked all the same, so every transport behaves alike.
    const bytes = Buffer.from(await answer.text());
    if (bytes.byteLength > maxBytes) throw new AnswerTooLargeError(maxBytes);
    return bytes;
  }
  if (announced > maxBytes) {
    await body[Symbol.asyncIterator]().return?.();
    throw new AnswerTooLargeError(maxBytes);
  }
  const { bytes, truncated } = await readAtMost(body, maxBytes);
  if (truncated) throw new AnswerTooLargeError(maxBytes);
  return bytes;
}

/** readBoundedBytes, as text. */
export async function readBoundedText(answer: BoundedBodySource, maxBytes: number): Promise<string> {
  return (await readBoundedBytes(answer, maxBytes)).toString('utf8');
}

/** "1 MiB", "64 MiB", "512 KiB", "100 bytes". */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
