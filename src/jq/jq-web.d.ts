// jq-web ships no types. Its export resolves, once the WebAssembly module is ready, to this object.
declare module 'jq-web' {
  export interface JqModule {
    /** Runs `filter` over `input` (serialized to JSON) and parses the output; throws on a jq error. */
    json(input: unknown, filter: string): unknown;
    raw(input: string, filter: string, flags?: string[]): string;
  }
  const jq: Promise<JqModule>;
  export default jq;
}
