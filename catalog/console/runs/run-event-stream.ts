import type { ServerResponse } from 'node:http';
import type { Run, RunLog } from '../../model.ts';
import { type CatalogContext, isEnded } from '../../operations/index.ts';
import { cut } from '../views/property-value.ts';
import { MAX_LOG_LINE_CHARS, runLiveParts } from '../views/run-page.ts';

/** Headers decided before the stream starts (the console's security headers), as fastify keeps them. */
export type DecidedHeaders = Record<string, string | number | string[] | undefined>;

export interface RunStreamSettings {
  /** How often an open stream looks for new lines and changes. */
  pollMs: number;
  /** How often an idle stream sends a comment, so proxies and browsers keep the connection. */
  heartbeatMs: number;
  /** Open streams per process; each polls, so they are counted. */
  maxStreams: number;
  /** Log lines read and sent at once; a stream behind by more catches up without waiting for the next poll. */
  batch: number;
}

export const RUN_STREAM_SETTINGS: RunStreamSettings = { pollMs: 250, heartbeatMs: 15_000, maxStreams: 64, batch: 200 };

/** How long a browser waits before opening a dropped stream again. */
const RETRY_MS = 3_000;

/** What a stream follows, and whether whoever opened it may still read it (their session is live). */
export interface RunStreamSource {
  runId: string;
  afterLogId: number;
  stillAllowed: () => boolean;
}

/**
 * One server-sent event. The data is JSON, which has no raw line break, so a message cannot end the event early or
 * forge another one.
 */
export function serverSentEvent(name: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A `log` event's data: the line as the page shows it (the message cut as there). */
function logEventData(log: RunLog): Record<string, string> {
  return { id: log.id, message: cut(log.message, MAX_LOG_LINE_CHARS), createdAt: log.createdAt };
}

/** A `run` event's data: the status, and each changing part of the run page as the server renders it. */
function runEventData(run: Run): { status: string; ended: boolean; parts: Record<string, string> } {
  const parts = Object.fromEntries(Object.entries(runLiveParts(run)).map(([id, part]) => [id, part.text]));
  return { status: run.status, ended: isEnded(run), parts };
}

/** What the run page shows that can change: the run is sent again when this differs. */
function visibleState(run: Run): string {
  return JSON.stringify([run.status, run.statusLabel, run.summary, run.link, run.updatedAt, run.endedAt]);
}

/** The open streams of this process: at most `maxStreams`, all closed when the server stops. */
export class RunStreams {
  private readonly ctx: CatalogContext;
  private readonly settings: RunStreamSettings;
  private readonly warn: (message: string) => void;
  private readonly open = new Set<RunEventStream>();

  constructor(ctx: CatalogContext, warn: (message: string) => void, settings: RunStreamSettings = RUN_STREAM_SETTINGS) {
    this.ctx = ctx;
    this.warn = warn;
    this.settings = settings;
  }

  get full(): boolean {
    return this.open.size >= this.settings.maxStreams;
  }

  /** Streams a run to a response nobody else writes to (a hijacked reply), with the headers already decided. */
  start(response: ServerResponse, headers: DecidedHeaders, source: RunStreamSource): void {
    const onClose = () => this.open.delete(stream);
    const stream = new RunEventStream(this.ctx, this.settings, response, source, onClose, this.warn);
    this.open.add(stream);
    stream.begin(headers);
  }

  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }
}

/**
 * A run's changes to one client: the log lines it has not seen, the run again whenever what the page shows of it
 * changed, and `end` once it ended and every line was sent. The store is read every `pollMs`: writes come from
 * other requests of this process (and could come from another process), so there is nothing to subscribe to.
 */
class RunEventStream {
  private readonly ctx: CatalogContext;
  private readonly settings: RunStreamSettings;
  private readonly response: ServerResponse;
  private readonly source: RunStreamSource;
  private readonly onClose: () => void;
  private readonly warn: (message: string) => void;
  private lastLogId: number;
  private lastState: string | undefined;
  private poll: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    ctx: CatalogContext,
    settings: RunStreamSettings,
    response: ServerResponse,
    source: RunStreamSource,
    onClose: () => void,
    warn: (message: string) => void,
  ) {
    this.ctx = ctx;
    this.settings = settings;
    this.response = response;
    this.source = source;
    this.onClose = onClose;
    this.warn = warn;
    this.lastLogId = source.afterLogId;
  }

  begin(decided: DecidedHeaders): void {
    // The client went away: 'close' also comes once the stream is ended here.
    this.response.on('close', () => this.close());
    this.response.on('error', () => this.close());
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(decided)) {
      if (value !== undefined) headers[name] = typeof value === 'number' ? String(value) : value;
    }
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // A buffering proxy would hold the events back until the run ends.
      'x-accel-buffering': 'no',
    });
    this.response.write(`retry: ${RETRY_MS}\n\n`);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.settings.heartbeatMs).unref();
    this.tick();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.poll);
    clearInterval(this.heartbeat);
    this.onClose();
    if (!this.response.writableEnded) this.response.end();
  }

  private tick(): void {
    this.poll = undefined;
    if (this.closed) return;
    try {
      this.send();
    } catch (error) {
      // The store failed under the stream: said in the server's log; the browser reconnects to a fresh stream.
      this.close();
      this.warn(`the live stream of run ${this.source.runId} stopped: ${String(error)}`);
    }
  }

  private send(): void {
    if (!this.source.stillAllowed()) return this.close();
    // A client reading slower than the run writes: nothing more is queued until it caught up.
    if (this.response.writableNeedDrain) return this.schedule(this.settings.pollMs);
    const stored = this.ctx.runs.get(this.source.runId);
    if (!stored) return this.close();
    const { run } = stored;
    // Read in the same turn as the run, so no line written before it ended can be missed.
    const logs = this.ctx.runs.logsAfter(run.id, this.lastLogId, this.settings.batch);
    for (const log of logs) this.write(serverSentEvent('log', logEventData(log), log.id));
    if (logs.length > 0) this.lastLogId = Number(logs.at(-1)!.id);
    const state = visibleState(run);
    if (state !== this.lastState) {
      this.lastState = state;
      this.write(serverSentEvent('run', runEventData(run)));
    }
    const caughtUp = logs.length < this.settings.batch;
    if (isEnded(run) && caughtUp) {
      this.write(serverSentEvent('end', { status: run.status }));
      return this.close();
    }
    this.schedule(caughtUp ? this.settings.pollMs : 0);
  }

  private schedule(ms: number): void {
    this.poll = setTimeout(() => this.tick(), ms).unref();
  }

  private write(text: string): void {
    if (!this.closed && !this.response.destroyed) this.response.write(text);
  }
}
