import { AppState, type AppStateOptions, appStateMigrations } from '../../../app/state/index.ts';
import type { Engine } from '../../sql/engines.ts';

/**
 * The App's state on one engine, as two replicas see it: `a` and `b` each on connections of their own (two
 * PostgreSQL pools, or two handles on one SQLite file), the schema migrated once.
 */
export async function twoReplicas(
  engine: Engine,
  options: { a?: AppStateOptions; b?: AppStateOptions } = {},
): Promise<{ a: AppState; b: AppState }> {
  await engine.fresh();
  const first = engine.open();
  await first.migrate(appStateMigrations);
  return {
    a: new AppState(first, { owner: 'replica-a', ...options.a }),
    b: new AppState(engine.open(), { owner: 'replica-b', ...options.b }),
  };
}

/** Runs `count` calls at once, alternately on `a` and `b`; answers how many answered true. */
export async function trueCount(
  count: number,
  replicas: readonly AppState[],
  call: (state: AppState, index: number) => Promise<boolean>,
): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, index) => call(replicas[index % replicas.length]!, index)),
  );
  return answers.filter(Boolean).length;
}

/** Epoch milliseconds past 2^32 seconds' worth of ids: GitHub's run ids and today's clock are both past 2^32. */
export const NOW = 1_750_000_000_000;
export const BIG_RUN_ID = 15_123_456_789;
