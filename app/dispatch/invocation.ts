import { z } from 'zod';
import { formatIssuePath } from '../../src/json/index.ts';
import { accountProblem, normalizeWorkflow, repositoryProblem, workflowProblem } from './github-names.ts';

/** The invocation contract of docs/design.md, as the catalog or a Port WEBHOOK action sends it. */
export interface Invocation {
  runId: string;
  org: string;
  repo: string;
  workflow: string;
  workflowInputs: Record<string, unknown>;
  reportWorkflowStatus: boolean;
}

const RUN_ID = /^r_[A-Za-z0-9_-]+$/;

/** A zod refinement from one of github-names.ts's rules (an empty name is left to `min`'s own message). */
const named = (problem: (name: string) => string | undefined) => (value: string, context: z.RefinementCtx) => {
  const message = value === '' ? undefined : problem(value);
  if (message) context.addIssue({ code: 'custom', message });
};

const invocationSchema = z.object({
  runId: z.string().regex(RUN_ID, 'must be a Port run id like r_QOz6WoOB1Q2lmhZZ'),
  org: z.string().min(1, 'must name the GitHub organization or user').superRefine(named(accountProblem)),
  repo: z.string().min(1, 'must name the repository').superRefine(named(repositoryProblem)),
  workflow: z
    .string()
    .min(1, 'must name the workflow file, e.g. deploy.yml')
    .transform(normalizeWorkflow)
    .superRefine(named(workflowProblem)),
  workflowInputs: z.record(z.string(), z.unknown()).default({}),
  reportWorkflowStatus: z.boolean().default(true),
});

export type InvocationCheck = { ok: true; invocation: Invocation } | { ok: false; runId?: string; problem: string };

/** Checks a received body against the contract; a problem names the field. */
export function checkInvocation(body: unknown): InvocationCheck {
  const parsed = invocationSchema.safeParse(body);
  if (parsed.success) return { ok: true, invocation: parsed.data };
  const issue = parsed.error.issues[0]!;
  const runId = (body as { runId?: unknown } | null)?.runId;
  const problem = `invalid invocation: ${formatIssuePath('', issue.path)}: ${issue.message}`;
  return typeof runId === 'string' && RUN_ID.test(runId) ? { ok: false, runId, problem } : { ok: false, problem };
}
