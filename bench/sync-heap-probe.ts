/**
 * Loaded into the App under benchmark (`NODE_OPTIONS=--import`, BENCH_HEAP=1 in bench/sync.ts): writes the main
 * thread's memory figures to stdout twice a second, for the benchmark to tell the V8 heap from the rest of the
 * resident memory (the jq worker, its WebAssembly memory, SQLite, code).
 */
setInterval(() => {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  process.stdout.write(`bench-heap ${JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers })}\n`);
}, 500).unref();
