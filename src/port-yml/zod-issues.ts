import type { z } from 'zod';

/** A zod issue with its whole path, for messages that say where. */
export interface PlacedIssue {
  issue: z.core.$ZodIssue;
  path: PropertyKey[];
}

/**
 * The issues as one list. A union's own message ("must be an identifier, a list of them, ...") is vaguer than its
 * best branch's when a value of the right kind failed inside it ({combinator: "xor"}): then the branch's issues
 * stand for it. A branch that failed on a wrong type inside ([1] for a list of names) says less than the union.
 */
export function placedIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): PlacedIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const deepest = issue.errors.find((branch) =>
        branch.some((inner) => inner.path.length > 0 && inner.code !== 'invalid_type'),
      );
      if (deepest) return placedIssues(deepest, [...prefix, ...issue.path]);
    }
    return [{ issue, path: [...prefix, ...issue.path] }];
  });
}
