import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Latency buckets in seconds, from a fast in-process write (a few ms) to work that waited out retries (an hour):
 * wide enough for a report that waits in the outbox while Port is down.
 */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * Process metrics (CPU, memory, event loop lag, GC, handles) describe the process, not a server in it: one
 * registry per process collects them, so that several servers in one process (the tests) do not each install
 * their own GC observer and event-loop monitor. Created on the first render.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The metrics of one server for /metrics, on prom-client with a registry of its own (never prom-client's global
 * one, which every server of a process would share): counters, gauges read when scraped, and histograms, after the
 * process metrics.
 */
export class AppMetrics {
  readonly registry = new Registry();
  /** What value() answers, without the asynchronous reads of prom-client. */
  private readonly readers = new Map<string, () => number>();
  private readonly withProcessMetrics: boolean;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.withProcessMetrics = options.processMetrics ?? true;
  }

  /** A counter; the answer adds one. */
  counter(name: string, help: string): () => void {
    const counter = new Counter({ name, help, registers: [this.registry] });
    let value = 0;
    this.readers.set(name, () => value);
    return () => {
      value++;
      counter.inc();
    };
  }

  /** A gauge read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
    this.readers.set(name, read);
  }

  /** A histogram of durations in seconds; the answer observes one, given in milliseconds. */
  histogram(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS): (milliseconds: number) => void {
    const histogram = new Histogram({ name, help, buckets: [...buckets], registers: [this.registry] });
    let count = 0;
    this.readers.set(`${name}_count`, () => count);
    return (milliseconds) => {
      count++;
      histogram.observe(Math.max(0, milliseconds) / 1000);
    };
  }

  /** A counter's or a gauge's value now, or a histogram's `<name>_count`. */
  value(name: string): number | undefined {
    return this.readers.get(name)?.();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text format: the process metrics, then this server's. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.withProcessMetrics) return own;
    return `${await processMetrics().metrics()}\n${own}`;
  }
}
