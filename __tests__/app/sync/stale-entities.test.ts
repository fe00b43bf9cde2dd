import { expect, test } from '@jest/globals';
import { type CoveredRow, stalePlan } from '../../../app/sync/resync/stale-entities.ts';

const resync = { id: 7, startedAt: 1000 };
function row(identifier: string, seen: number | null, updatedAt = 500, blueprint = 'service', repoId = 1): CoveredRow {
  return {
    blueprint,
    identifier,
    kind: 'repository',
    repoId,
    item: '',
    installationId: 1,
    seenResync: seen,
    updatedAt,
  };
}

test('rows the resync did not see, and that nothing wrote since it started, are stale', () => {
  const plan = stalePlan([row('a', 7), row('b', 6), row('c', null, 2000), row('d', null)], resync, 0.9);
  expect(plan.release.map((stale) => stale.identifier)).toEqual(['b', 'd']);
  expect(plan.skipped).toEqual([]);
});

test('a blueprint that would lose more than the threshold is left alone; the others are not', () => {
  const rows = [row('a', 6), row('b', 6), row('c', 7), row('x', 6, 500, 'team'), row('y', 7, 500, 'team')];
  const plan = stalePlan(rows, resync, 0.5);
  expect(plan.skipped).toEqual([{ blueprint: 'service', stale: 2, tracked: 3 }]);
  expect(plan.release.map((stale) => stale.identifier)).toEqual(['x']);
  expect(stalePlan(rows, resync, 0.7).release).toHaveLength(3);
  // Exactly at the threshold is not more than it.
  expect(stalePlan([row('a', 6), row('b', 7)], resync, 0.5).release).toHaveLength(1);
});

test('an entity another covered row still stands for counts as kept', () => {
  const plan = stalePlan([row('a', 6, 500, 'service', 1), row('a', 7, 500, 'service', 2), row('b', 7)], resync, 0);
  // Its stale row is let go of (the entity stays: the other source claims it); no entity is lost, so 0 passes.
  expect(plan.release).toEqual([expect.objectContaining({ identifier: 'a', repoId: 1 })]);
  expect(plan.skipped).toEqual([]);
});
