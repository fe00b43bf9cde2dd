import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INPUT_DEFAULTS } from '../../src/action/action-inputs.ts';
import type { StepResult } from './run-action.ts';

/** The committed bundle, as action.yml runs it (dist.test.ts checks that it is the bundle of the source). */
export const BUNDLE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

export interface BundleRunOptions {
  /** The repository's root (GITHUB_WORKSPACE); default: a fresh empty directory. */
  workspace?: string;
  /** Extra environment, e.g. RUNNER_DEBUG=1. */
  env?: Record<string, string>;
}

/** The runner's name for an input's variable: INPUT_ + the name uppercased, spaces as underscores (hyphens kept). */
export const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/**
 * Runs `node dist/index.js` the way the runner does: inputs as INPUT_* variables (action.yml's defaults for those not
 * given), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE; nothing else from this process's environment
 * but PATH.
 */
export async function runBundle(inputs: Record<string, string>, options: BundleRunOptions = {}): Promise<StepResult> {
  const files = mkdtempSync(join(tmpdir(), 'wharf-step-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace ?? files,
    ...options.env,
  };
  // As the runner does: action.yml's default for each input the workflow does not give.
  for (const [name, value] of Object.entries(INPUT_DEFAULTS)) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;

  const started = performance.now();
  const child = spawn(process.execPath, [BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const durationMs = performance.now() - started;

  const lines = `${stdout}\n${stderr}`.split('\n');
  const masks = lines
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length));
  const log = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
  const errors = lines
    .filter((line) => line.startsWith('::error::'))
    .map((line) => unescapeCommand(line.slice('::error::'.length)));
  const result: StepResult = {
    exitCode,
    log,
    masks,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    errors,
    durationMs,
  };
  rmSync(files, { recursive: true, force: true });
  return result;
}

/** The GITHUB_OUTPUT file: `name<<DELIMITER` lines, the value, the delimiter (and `name=value` lines). */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}

/** Workflow command data escapes %, CR and LF. */
function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
