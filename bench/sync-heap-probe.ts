/**
 * Loaded into the App under benchmark (`NODE_OPTIONS=--import`, BENCH_HEAP=1 in bench/sync.ts): writes each
 * thread's memory figures to stdout twice a second (NODE_OPTIONS loads it into the jq workers too, each line names
 * its thread), for the benchmark to tell the main thread's V8 heap from the workers' and from the rest of the
 * resident memory (SQLite, code). BENCH_HEAP_SNAPSHOT_MIB=n also writes
 * one heap snapshot to the working directory the first time the heap in use passes n MiB (diagnosis only: it
 * stops the App for seconds).
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

// Garbage collections so far, young (scavenges) and full (mark-compact), and the time they took.
const collections = { gcYoung: 0, gcFull: 0, gcMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.gcYoung++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.gcFull++;
    collections.gcMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const snapshotAt = Number(process.env.BENCH_HEAP_SNAPSHOT_MIB ?? 0) * 2 ** 20;
let snapshotTaken = false;
setInterval(() => {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const spaces: Record<string, number> = {};
  for (const space of getHeapSpaceStatistics()) spaces[space.space_name] = space.space_size;
  process.stdout.write(
    `bench-heap ${JSON.stringify({ thread: threadId, rss, heapUsed, heapTotal, external, arrayBuffers, newSpace: spaces.new_space ?? 0, oldSpace: spaces.old_space ?? 0, largeObjects: (spaces.large_object_space ?? 0) + (spaces.new_large_object_space ?? 0), code: spaces.code_space ?? 0, ...collections })}\n`,
  );
  if (snapshotAt > 0 && !snapshotTaken && heapUsed > snapshotAt) {
    snapshotTaken = true;
    process.stdout.write(`bench-heap-snapshot ${writeHeapSnapshot()}\n`);
  }
}, 500).unref();

// BENCH_ALLOC_PROFILE=1 (diagnosis): samples every allocation site of the main thread, the objects collected since
// included, and writes the profile to /tmp/bench-sync-alloc.heapprofile every 10 s: where a resync's garbage comes from.
// BENCH_ALLOC_PROFILE=promoted leaves out what the young generation's collections freed: what is left lived long enough
// to reach the old generation, which only a full collection frees (the garbage that keeps the old space large).
if (process.env.BENCH_ALLOC_PROFILE && isMainThread) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOC_PROFILE !== 'promoted',
  });
  setInterval(() => {
    void session.post('HeapProfiler.getSamplingProfile').then(({ profile }) => {
      writeFileSync('/tmp/bench-sync-alloc.heapprofile', JSON.stringify(profile));
    });
  }, 10_000).unref();
}
