/** The most of a receiver's answer that is read: enough for any message, and memory stays bounded per delivery. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface BoundedText {
  text: string;
  /** The answer went on past `limit` bytes: `text` holds its start and the rest was never read. */
  truncated: boolean;
}

/**
 * Reads an answer's body up to `limit` bytes, then stops and closes the stream, so a receiver that answers without
 * end costs at most `limit` bytes of memory (and the delivery timeout bounds the time).
 */
export async function readAnswer(response: Response, limit = MAX_ANSWER_BYTES): Promise<BoundedText> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      await reader.cancel();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}
