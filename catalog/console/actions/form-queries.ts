import { setTimeout as sleep } from 'node:timers/promises';
import { evaluateJq, JqError, jqLimits } from '../../../src/jq/index.ts';

/** A jq query's first output, or why there is none. */
export type QueryOutcome = { value: unknown } | { problem: string };

/** Beyond one evaluation's own limit: the time a form gives all of its jq queries together. */
const FORM_BUDGET_MARGIN_MS = 500;

/**
 * Runs a form's jq queries (each keyed by its input) over one input, in jq's bounded workers: a query that fails,
 * runs too long or needs too much memory gives its reason, and the others are unaffected. They share one budget:
 * many slow queries queue behind jq's few workers, and the page must not wait for each in turn; what has not
 * answered by then says so.
 */
export async function runFormQueries(
  queries: ReadonlyMap<string, string>,
  input: unknown,
): Promise<Map<string, QueryOutcome>> {
  if (queries.size === 0) return new Map();
  const budgetMs = jqLimits().timeoutMs + FORM_BUDGET_MARGIN_MS;
  const abandon = new AbortController();
  const outOfTime = sleep(budgetMs, undefined, { signal: abandon.signal }).then(
    (): QueryOutcome => ({ problem: `not worked out within ${budgetMs} ms (the form's time for its jq queries)` }),
    () => ({ problem: 'abandoned' }),
  );
  try {
    const outcomes = await Promise.all(
      [...queries].map(async ([key, program]): Promise<[string, QueryOutcome]> => [
        key,
        await Promise.race([evaluate(program, input), outOfTime]),
      ]),
    );
    return new Map(outcomes);
  } finally {
    abandon.abort();
  }
}

async function evaluate(program: string, input: unknown): Promise<QueryOutcome> {
  try {
    const [value] = await evaluateJq(program, input);
    return { value: value ?? undefined };
  } catch (error) {
    if (!(error instanceof JqError)) throw error;
    return { problem: error.message };
  }
}
