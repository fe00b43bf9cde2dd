import type { JqModule } from 'jq-web';

/** A jq program that did not compile or failed while running, with jq's own words. */
export class JqError extends Error {
  readonly program: string;

  constructor(message: string, program: string) {
    super(message);
    this.name = 'JqError';
    this.program = program;
  }
}

let engine: Promise<JqModule> | undefined;

/** The jq WebAssembly module, loaded on first use (it takes a few milliseconds) and shared after. */
function loadEngine(): Promise<JqModule> {
  engine ??= import('jq-web').then((module) => module.default);
  return engine;
}

/**
 * Every output of `program` over `input`, in order. jq runs as its command line would, so this is real jq with
 * its errors; the program is wrapped in an array so that zero, one or many outputs read the same way.
 */
export async function evaluateJq(program: string, input: unknown): Promise<unknown[]> {
  const jq = await loadEngine();
  // The WebAssembly build sets process.exitCode when jq fails; a jq error must not become the process's.
  const exitCode = process.exitCode;
  try {
    return jq.json(input, `[${program}\n]`) as unknown[];
  } catch (error) {
    throw new JqError(describeJqFailure(error), program);
  } finally {
    process.exitCode = exitCode;
  }
}

/**
 * Why `program` does not compile, in jq's words, or undefined when it compiles. It is run bare over null so that
 * jq's message points into the program as written; runtime errors of that run do not count.
 */
export async function jqCompileProblem(program: string): Promise<string | undefined> {
  const jq = await loadEngine();
  const exitCode = process.exitCode;
  try {
    jq.json(null, program);
    return undefined;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return /compile error/.test(text) ? describeJqFailure(error) : undefined;
  } finally {
    process.exitCode = exitCode;
  }
}

/** jq's message without the wrapper's noise: "syntax error, unexpected INVALID_CHARACTER (line 1)". */
function describeJqFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
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
