/**
 * One jq evaluator thread of the pool (pool.ts). User programs run here so that a program that never ends or eats
 * memory costs this thread, which the pool terminates and replaces, and never the server's event loop.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { JqRequest, JqReply } from './protocol.ts';

const { memoryLimitBytes, nice } = workerData as { memoryLimitBytes: number; nice: number };
try {
  // Without a pid this is the calling thread's priority on Linux: the event loop's thread keeps its own.
  setPriority(nice);
} catch {
  // Where a thread cannot lower its own priority, it runs at the process's.
}
let memoryRefused = false;
let memoryBytes = 0;

// jq-web's WebAssembly memory grows on demand up to 2 GiB, outside V8's heap limits; refusing growth past the cap
// makes jq's allocation fail ("cannot allocate memory") instead of taking the machine's memory.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const memoryPrototype = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly
  .Memory.prototype;
const grow = memoryPrototype.grow;
memoryPrototype.grow = function capped(this: WasmMemory, pages: number): number {
  const wanted = this.buffer.byteLength + pages * 65536;
  if (wanted > memoryLimitBytes) {
    memoryRefused = true;
    throw new RangeError(`jq needs more than ${memoryLimitBytes} bytes`);
  }
  const previous = grow.call(this, pages);
  memoryBytes = this.buffer.byteLength;
  return previous;
};

// jq-web prints emscripten's diagnostics ("Aborted()") and stray jq stderr on the console: the caller is told what
// went wrong in the reply, and a user's program must not write into the server's log.
console.error = () => {};
console.warn = () => {};
console.log = () => {};

const { default: jqReady } = await import('jq-web');
const jq = await jqReady;

parentPort!.on('message', (request: JqRequest) => {
  memoryRefused = false;
  let reply: JqReply;
  try {
    const output = jq.raw(request.input, request.program, ['-c']);
    reply = { id: request.id, ok: true, output: output ?? '', memoryBytes };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { id: request.id, ok: false, message, memoryExceeded: memoryRefused, memoryBytes };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });
