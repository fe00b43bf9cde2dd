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
 * The answer's text, reading at most `maxBytes`: a server that streams without end, or announces more than that,
 * is cut off instead of filling the memory. Stopping the iteration cancels the stream, which closes the connection.
 */
export async function readBoundedText(answer: BoundedBodySource, maxBytes: number): Promise<string> {
  const announced = Number(answer.headers.get('content-length') ?? Number.NaN);
  const { body } = answer;
  if (body === undefined || body === null) {
    // Only an in-memory answer has no stream: the limit is checked all the same, so every transport behaves alike.
    const text = await answer.text();
    if (Buffer.byteLength(text) > maxBytes) throw new AnswerTooLargeError(maxBytes);
    return text;
  }
  if (announced > maxBytes) {
    await body[Symbol.asyncIterator]().return?.();
    throw new AnswerTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new AnswerTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** "1 MiB", "64 MiB", "512 KiB", "100 bytes". */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
