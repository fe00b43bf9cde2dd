import type { PortClient } from '../port/index.ts';
import type { PortLinks } from './links.ts';

/** A part of the job summary: a heading, Markdown lines, and an optional table. */
export interface SummarySection {
  heading: string;
  lines: string[];
  table?: { header: string[]; rows: string[][] };
}

/** What an operation did: its outputs, what to show in the job summary, and whether the step fails after all. */
export interface StepReport {
  /** By output name; anything but a string is written as JSON. */
  outputs: Record<string, unknown>;
  summary: SummarySection;
  /** The step fails with this message once the outputs and the summary are written. */
  failure?: string;
}

/** What every operation is handed besides its settings. */
export interface OperationContext {
  client: PortClient;
  /** Writes are validated or looked up, and reported, but not made. */
  dryRun: boolean;
  links: PortLinks;
  log: { info(message: string): void; warning(message: string): void };
  /** How to wait while polling; tests of the operations may pass one that does not. */
  sleep(ms: number): Promise<void>;
  now(): number;
}
