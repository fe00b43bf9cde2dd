import { describe, expect, test } from '@jest/globals';
import { entityIdentifierProblem } from '../../../catalog/validation/index.ts';

describe('entityIdentifierProblem', () => {
  test.each([
    ['dashes', 'user-service'],
    ['one letter', 'a'],
    ['dots', 'v1.2.3'],
    ['slash', 'org/repo'],
    ['backslash', 'back\\slash'],
    ['equals', 'key=value'],
    ['+:@_', 'a+b:c@d_e'],
    ['unicode letters', 'Ünïcödé-服务'],
    ['dots with more', '..a'],
    ['1000 characters', 'x'.repeat(1000)],
  ])('accepts %s', (_label, identifier) => {
    expect(entityIdentifierProblem(identifier)).toBeUndefined();
  });

  test.each([
    ['a number', 42, 'must be a string (got 42)'],
    ['null', null, 'must be a string (got null)'],
    ['empty', '', 'must not be empty'],
    ['"."', '.', 'must not be "." or ".."'],
    ['".."', '..', 'must not be "." or ".."'],
    ['1001 characters', 'x'.repeat(1001), 'must be at most 1000 characters long (got 1001)'],
    ['a space', 'my service', 'may only contain letters, digits and @_.+:\\/=- (found " " in "my service")'],
    ['#', 'a#b', 'found "#"'],
    ['an emoji', 'rocket🚀', 'found "🚀"'],
  ])('refuses %s', (_label, identifier, expected) => {
    expect(entityIdentifierProblem(identifier)).toContain(expected);
  });
});
