import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { type Close, OPEN_RESOURCES } from './open-resources.ts';

/** How long one left-over resource may take to close before the next is closed regardless. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Jest's node environment, plus: once a test file's tests and afterAll hooks have all run, passed or failed, it closes
 * what the file's helpers opened and the file did not close, newest first (open-resources.ts). On a 2-core machine
 * jest runs the whole suite in one process, where one server left open would keep `npm test` from ever exiting.
 */
export default class WharfEnvironment extends TestEnvironment {
  async handleTestEvent(event: Circus.Event): Promise<void> {
    // After the file's last hook, while its modules are still loaded (jest unloads them before teardown).
    if (event.name === 'run_finish') await this.closeLeftovers();
  }

  override async teardown(): Promise<void> {
    await this.closeLeftovers(); // a file whose run never finished
    await super.teardown();
  }

  private async closeLeftovers(): Promise<void> {
    const open = this.global[OPEN_RESOURCES] as Set<Close> | undefined;
    const leftovers = [...(open ?? [])].reverse();
    open?.clear();
    for (const close of leftovers) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()));
      try {
        await Promise.race([close(), timeout]);
      } catch (error) {
        process.stderr.write(`closing what a test left open failed: ${String(error)}\n`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
