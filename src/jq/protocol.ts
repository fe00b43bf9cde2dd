/** What the pool sends a jq worker: a program and its input as JSON text in UTF-8. */
export interface JqRequest {
  id: number;
  program: string;
  input: Uint8Array;
}

/** A worker's answer: jq's compact output (one JSON value a line), or jq's error text. */
export type JqReply =
  | { id: number; ok: true; output: string; memoryBytes: number }
  | { id: number; ok: false; message: string; memoryExceeded: boolean; memoryBytes: number };
