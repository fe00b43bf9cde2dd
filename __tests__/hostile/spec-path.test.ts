import { describe, expect, test } from '@jest/globals';
import { matchesSpecPath } from '../../app/sync/gitops/spec-paths.ts';

describe('a specPath glob pushed in port-app-config.yml', () => {
  test('a glob that backtracks exponentially as a RegExp is matched in linear time (this test would hang)', () => {
    const hostile = `${'*a'.repeat(12)}*b`;
    expect(matchesSpecPath('a'.repeat(5000), [hostile])).toBe(false);
    expect(matchesSpecPath(`${'a'.repeat(40)}b`, [hostile])).toBe(true);
  });

  test('stacked ** folders over a deep path', () => {
    const deep = `${'d/'.repeat(2000)}x.yml`;
    expect(matchesSpecPath(deep, [`${'**/'.repeat(20)}port.yml`])).toBe(false);
    expect(matchesSpecPath(`${'d/'.repeat(30)}port.yml`, [`${'**/'.repeat(20)}port.yml`])).toBe(true);
  });

  test('glob characters inside braces are literal, not a broken expression', () => {
    expect(matchesSpecPath('a/port.yaml', ['**/port.{yml,yaml}'])).toBe(true);
    expect(matchesSpecPath('x*.yml', ['{x*.yml,y}'])).toBe(true);
    expect(matchesSpecPath('xy.yml', ['{x*.yml,y}'])).toBe(false);
  });
});
