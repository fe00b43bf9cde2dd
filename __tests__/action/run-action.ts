import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionCore } from '../../src/action/action-core.ts';
import { run } from '../../src/action/main.ts';
import { TEST_CREDENTIALS } from '../helpers/catalog-server.ts';

/** What a step left behind, as the runner would see it. */
export interface StepResult {
  /** 1 when the step failed (setFailed), else 0. */
  exitCode: number | null;
  /** The step's log as the runner would show it, workflow commands (`::warning::`, `::debug::`) as lines. */
  log: string;
  /** The values the step asked the runner to mask. */
  masks: string[];
  outputs: Record<string, string>;
  /** The job summary. */
  summary: string;
  /** The messages that failed the step. */
  errors: string[];
  durationMs: number;
}

export interface RunOptions {
  /** The repository's root (GITHUB_WORKSPACE); default: a fresh empty directory. */
  workspace?: string;
  /** The run has debug logging on (RUNNER_DEBUG=1). */
  debug?: boolean;
}

/**
 * Runs the Action's source (main.ts's `run`) in this process with these inputs, through a core that records what
 * the step logs, masks, outputs and summarises. An input not given reads as '', as for a step run by hand.
 */
export async function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<StepResult> {
  const emptyWorkspace = options.workspace ? undefined : mkdtempSync(join(tmpdir(), 'wharf-step-'));
  const lines: string[] = [];
  const step: StepResult = { exitCode: 0, log: '', masks: [], outputs: {}, summary: '', errors: [], durationMs: 0 };
  const core: ActionCore = {
    // As @actions/core reads INPUT_<NAME>: trimmed.
    getInput: (name) => (inputs[name] ?? '').trim(),
    setSecret: (secret) => void step.masks.push(secret),
    // As @actions/core writes GITHUB_OUTPUT: a string as it is, anything else as JSON.
    setOutput: (name, value) =>
      void (step.outputs[name] = typeof value === 'string' ? value : value == null ? '' : JSON.stringify(value)),
    setFailed: (message) => {
      step.exitCode = 1;
      step.errors.push(message);
      lines.push(`::error::${message}`);
    },
    info: (message) => void lines.push(message),
    warning: (message) => void lines.push(`::warning::${message}`),
    debug: (message) => void lines.push(`::debug::${message}`),
    isDebug: () => options.debug ?? false,
    summary: {
      addRaw: (markdown) => ({ write: async () => void (step.summary += markdown) }),
    },
  };
  const started = performance.now();
  try {
    await run(core, options.workspace ?? emptyWorkspace!);
  } finally {
    if (emptyWorkspace) rmSync(emptyWorkspace, { recursive: true, force: true });
  }
  return { ...step, log: lines.join('\n'), durationMs: performance.now() - started };
}

/** The inputs every step needs: the test catalog's credentials and where it is. */
export function connection(baseUrl: string): Record<string, string> {
  return { baseUrl, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret };
}

/** An address where nothing listens: a port the system handed out, and then closed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** An output that holds JSON, parsed. */
export function jsonOutput<T = unknown>(step: StepResult, name: string): T {
  const value = step.outputs[name];
  if (value === undefined)
    throw new Error(`no output "${name}"; outputs: ${JSON.stringify(step.outputs)}\n${step.log}`);
  return JSON.parse(value) as T;
}
