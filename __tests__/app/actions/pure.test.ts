import { describe, expect, test } from '@jest/globals';
import {
  DEFAULT_PACING,
  ExecutionError,
  ExecutorRegistry,
  namedRepository,
  nextPollDelay,
} from '../../../app/actions/index.ts';

describe('poll pacing', () => {
  test('no wait after a poll that found runs; idle waits double up to the ceiling, in its upper half', () => {
    expect(nextPollDelay(DEFAULT_PACING, 'runs', 0)).toBe(0);
    expect(nextPollDelay(DEFAULT_PACING, 'empty', 1, () => 0)).toBe(500);
    expect(nextPollDelay(DEFAULT_PACING, 'empty', 1, () => 1)).toBe(1000);
    expect(nextPollDelay(DEFAULT_PACING, 'empty', 3, () => 1)).toBe(4000);
    expect(nextPollDelay(DEFAULT_PACING, 'empty', 50, () => 1)).toBe(10_000);
    expect(nextPollDelay(DEFAULT_PACING, 'error', 7, () => 0.5)).toBe(45_000);
    expect(nextPollDelay(DEFAULT_PACING, 'error', 40, () => 1)).toBe(60_000);
  });
});

describe('the repository a run names', () => {
  test('org and repo, repo as owner/repo, or repo alone', () => {
    expect(namedRepository({ org: 'acme', repo: 'api' })).toEqual({ owner: 'acme', repo: 'api' });
    expect(namedRepository({ repo: 'acme/api' })).toEqual({ owner: 'acme', repo: 'api' });
    expect(namedRepository({ org: 'ACME', repo: 'acme/api' })).toEqual({ owner: 'acme', repo: 'api' });
    expect(namedRepository({ repo: 'api', org: null })).toEqual({ repo: 'api' });
  });

  test.each([
    [{}, 'repo is required'],
    [{ repo: 3 }, 'repo must be a string (got 3)'],
    [{ org: 'acme', repo: 'other/api' }, 'repo "other/api" names the owner "other", but org is "acme"'],
    [{ repo: 'acme/..' }, 'repo: ".." is not a GitHub repository name'],
    [{ org: 'a/b', repo: 'api' }, 'org: "a/b" is not a GitHub account name'],
  ])('%j is refused: %s', (properties, message) => {
    expect(() => namedRepository(properties)).toThrow(ExecutionError);
    expect(() => namedRepository(properties)).toThrow(message);
  });
});

describe('the executor registry', () => {
  test('an unknown type is named with the known ones; a type registers once', () => {
    const execute = async () => ({ status: 'SUCCESS' as const, summary: '' });
    const registry = new ExecutorRegistry([
      { type: 'dispatch_workflow', execute },
      { type: 'create_issue', execute },
    ]);
    expect(registry.unknownType('launch')).toBe(
      'unknown integrationActionType "launch": this wharf executes create_issue, dispatch_workflow',
    );
    expect(registry.unknownType('')).toBe(
      'the run names no integrationActionType: this wharf executes create_issue, dispatch_workflow',
    );
    expect(() => registry.register({ type: 'create_issue', execute })).toThrow('already registered');
  });
});
