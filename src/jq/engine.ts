import { DEFAULT_JQ_LIMITS, type JqLimits, jqLimitsFromEnv } from './limits.ts';
import { JqPool, type JqOverrun, QUARANTINE_BACKLOG, QUARANTINE_MS } from './pool.ts';

/** A jq program that did not compile or failed while running, with jq's own words. */
export class JqError extends Error {
  readonly program: string;

  constructor(message: string, program: string) {
    super(message);
    this.name = 'JqError';
    this.program = program;
  }
}

/**
 * A jq program stopped by a limit (time or memory), not by jq. It is a property of the program and its input, so
 * running it again would end the same way: callers treat it as a final failure, never as one to retry.
 */
export class JqLimitError extends JqError {
  readonly overrun: JqOverrun;

  constructor(overrun: JqOverrun, program: string, limits: JqLimits) {
    super(describeOverrun(overrun, limits), program);
    this.name = 'JqLimitError';
    this.overrun = overrun;
  }
}

export function describeOverrun(overrun: JqOverrun, limits: JqLimits): string {
  switch (overrun) {
    case 'time':
      return `jq ran longer than ${limits.timeoutMs} ms and was stopped (limit: WHARF_JQ_TIMEOUT_MS)`;
    case 'memory':
      return `jq needed more than ${limits.memoryMb} MiB of memory and was stopped (limit: WHARF_JQ_MEMORY_MB)`;
    case 'backlog':
      return (
        `jq was not run: this program overran a limit in the last ${QUARANTINE_MS / 60_000} minutes, and ` +
        `${QUARANTINE_BACKLOG} of its evaluations are already waiting to run one at a time`
      );
  }
}

/**
 * The first of `items` whose own run (`run`) overruns a jq limit, and that overrun; undefined when none does. For
 * naming which part of a program made the whole overrun: the others are quick (they ran within the limit as part
 * of it), so this costs about one more limit. Other failures of a lone run do not count.
 */
export async function firstToOverrun<T>(
  items: readonly T[],
  run: (item: T) => Promise<unknown>,
): Promise<{ item: T; overrun: JqLimitError } | undefined> {
  for (const item of items) {
    try {
      await run(item);
    } catch (error) {
      if (error instanceof JqLimitError) return { item, overrun: error };
    }
  }
  return undefined;
}

let pool: JqPool | undefined;

/** The process's jq pool, started on first use with the limits of the environment (or those configured). */
function jqPool(): JqPool {
  pool ??= new JqPool(jqLimitsFromEnv(process.env));
  return pool;
}

/**
 * Sets the limits of every later evaluation (the server calls it at start with its checked settings; tests with
 * small limits). Workers of the previous settings are ended.
 */
export async function configureJq(limits: Partial<JqLimits>): Promise<void> {
  const previous = pool;
  pool = new JqPool({ ...(previous?.settings ?? DEFAULT_JQ_LIMITS), ...limits });
  await previous?.close();
}

/** The limits evaluations run under now. */
export function jqLimits(): JqLimits {
  return jqPool().settings;
}

/**
 * Every output of `program` over `input`, in order. jq runs as its command line would, so this is real jq with
 * its errors; the program is wrapped in an array so that zero, one or many outputs read the same way. It runs in
 * a worker thread, bounded in time and memory: the caller's event loop never runs user code.
 */
export async function evaluateJq(program: string, input: unknown): Promise<unknown[]> {
  const wrapped = `[${program}\n]`;
  const output = await run(wrapped, jsonBytes(input), program);
  return JSON.parse(output) as unknown[];
}

const utf8 = new TextEncoder();

/**
 * `input` as JSON in UTF-8, without ever holding the JSON text of the whole of it: V8 keeps a text that large apart
 * from the short-lived objects, where only a full collection frees it, and a catalog-sync batch (a page of GitHub
 * objects, one text per jq run) made a good part of the App's old generation that way. An array is written an
 * element at a time, each element's text short-lived, into one buffer of the exact size.
 */
function jsonBytes(input: unknown): Uint8Array {
  if (!Array.isArray(input) || 'toJSON' in input) return utf8.encode(JSON.stringify(input) ?? 'null');
  // JSON.stringify writes null for an element it cannot (undefined, a function).
  const elements = input.map((element: unknown) => JSON.stringify(element) ?? 'null');
  let length = elements.length > 0 ? elements.length + 1 : 2;
  for (const text of elements) length += Buffer.byteLength(text, 'utf8');
  const bytes = new Uint8Array(length);
  let at = 0;
  bytes[at++] = BRACKET_OPEN;
  elements.forEach((text, index) => {
    if (index > 0) bytes[at++] = COMMA;
    at += utf8.encodeInto(text, bytes.subarray(at)).written;
  });
  bytes[at] = BRACKET_CLOSE;
  return bytes;
}

const [BRACKET_OPEN, COMMA, BRACKET_CLOSE] = [0x5b, 0x2c, 0x5d];

/**
 * Why `program` does not compile, in jq's words, or undefined when it compiles. The program is not run: it is
 * compiled behind `empty`, which gives it no input. Only when that fails is it compiled bare, so that jq's message
 * points into the program as written (a program that does not compile never runs).
 */
export async function jqCompileProblem(program: string): Promise<string | undefined> {
  const pool = jqPool();
  const guarded = await pool.evaluate(`empty | (${program}\n)`, 'null');
  if (guarded.ok) return undefined;
  if ('overrun' in guarded) throw new JqLimitError(guarded.overrun, program, pool.settings);
  // Behind `empty` nothing runs, so any failure is the compiler's: a syntax error, or jq giving up on the program.
  if (!/compile error/.test(guarded.message)) {
    return `jq could not compile it: ${describeJqFailure(guarded.message)} (is it too large or nested too deeply?)`;
  }
  const bare = await pool.evaluate(program, 'null');
  if (bare.ok) return undefined;
  if ('overrun' in bare) throw new JqLimitError(bare.overrun, program, pool.settings);
  return /compile error/.test(bare.message) ? describeJqFailure(bare.message) : describeJqFailure(guarded.message);
}

async function run(program: string, input: Uint8Array, asWritten: string): Promise<string> {
  const pool = jqPool();
  const outcome = await pool.evaluate(program, input);
  if (outcome.ok) return outcome.output;
  if ('overrun' in outcome) throw new JqLimitError(outcome.overrun, asWritten, pool.settings);
  throw new JqError(describeJqFailure(outcome.message), asWritten);
}

/** jq's message without the wrapper's noise: "syntax error, unexpected INVALID_CHARACTER (line 1)". */
function describeJqFailure(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('jq: error'));
  const first = lines[0];
  if (!first) return text.replace(/^Non-zero exit code: \d+\s*/, '').trim() || 'jq failed';
  return first
    .replace(/^jq: error \(at [^)]*\):\s*/, '')
    .replace(/^jq: error:\s*/, '')
    .replace(/ \(Unix shell quoting issues\?\)/, '')
    .replace(/ at <top-level>, line (\d+):?$/, ' (line $1)');
}
