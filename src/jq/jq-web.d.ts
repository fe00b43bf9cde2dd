// jq-web ships no types. Its export resolves, once the WebAssembly module is ready, to this object.
declare module 'jq-web' {
  export interface JqModule {
    /** Runs `filter` over `input` (serialized to JSON) and parses the output; throws on a jq error. */
    json(input: unknown, filter: string): unknown;
    /** `input` as JSON text, or as its UTF-8 bytes (which jq-web writes to jq's stdin file as they are). */
    raw(input: string | Uint8Array, filter: string, flags?: string[]): string;
  }
  const jq: Promise<JqModule>;
  export default jq;
}
