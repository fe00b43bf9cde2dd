import { readFileSync, writeFileSync } from 'node:fs';

/** The value below which `fraction` of the samples fall (nearest rank). */
export function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Peak resident memory of a process in MiB, from /proc (VmHWM). */
export function peakMemoryMiB(pid: number): number {
  const status = readProc(`/proc/${pid}/status`);
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Starts a process's peak resident memory (VmHWM) afresh from its current size, so a later reading covers a stretch. */
export function resetPeakMemory(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** CPU time (user and system) a process has used so far, in milliseconds, from /proc (clock ticks of 10 ms). */
export function cpuMilliseconds(pid: number): number {
  // The command name, in parentheses, may hold spaces: fields are counted after its closing parenthesis.
  const fields = readProc(`/proc/${pid}/stat`).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export const format = (value: number, digits = 1): string => value.toFixed(digits);

/** Runs `work` for indexes 0..count-1, at most `concurrency` at a time. */
export async function inParallel(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
