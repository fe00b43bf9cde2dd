/**
 * What the App's handlers read from each event's payload, checked before any handler runs: a signed delivery that
 * lacks it (a forged or broken sender, or a GitHub change) is refused with a plain 400 naming the field, instead
 * of failing inside a handler with an internal error. Fields are checked loosely: anything else may be there.
 */
import { z } from 'zod';
import { formatIssuePath } from '../../src/json/index.ts';

const id = z.number().int();
const files = z.array(z.string()).optional();
const commit = z.looseObject({ added: files, removed: files, modified: files });
const installation = z.looseObject({ id });
const account = z.looseObject({ login: z.string().optional() }).nullable().optional();
const repository = z.looseObject({
  id,
  name: z.string(),
  full_name: z.string().optional(),
  owner: z.looseObject({ login: z.string() }),
});
const listedRepositories = z.array(z.looseObject({ id, name: z.string(), full_name: z.string() })).optional();

const SHAPES: Record<string, z.ZodType> = {
  workflow_run: z.looseObject({
    action: z.string(),
    workflow_run: z.looseObject({
      id,
      run_number: z.number(),
      run_attempt: z.number().optional(),
      status: z.string().nullable(),
      conclusion: z.string().nullable(),
      html_url: z.string(),
      name: z.string().nullable().optional(),
      display_title: z.string().nullable().optional(),
    }),
    workflow: z.looseObject({ id }).nullable().optional(),
    repository: repository.extend({ owner: z.looseObject({ id, login: z.string() }) }),
    installation: installation.optional(),
  }),
  repository: z.looseObject({ action: z.string(), repository, installation: installation.optional() }),
  installation: z.looseObject({ action: z.string(), installation: installation.extend({ account }) }),
  installation_repositories: z.looseObject({
    action: z.string(),
    installation: installation.extend({ account }),
    repositories_added: listedRepositories,
    repositories_removed: listedRepositories,
  }),
  push: z.looseObject({
    ref: z.string(),
    after: z.string(),
    deleted: z.boolean().optional(),
    commits: z.array(commit).optional(),
    head_commit: commit.nullable().optional(),
    repository: repository.extend({
      default_branch: z.string().optional(),
      master_branch: z.string().optional(),
    }),
    installation: installation.optional(),
  }),
  pull_request: z.looseObject({
    action: z.string(),
    number: z.number().int(),
    pull_request: z.looseObject({ number: z.number().int(), head: z.looseObject({ sha: z.string() }) }),
    repository,
    installation: installation.optional(),
  }),
};

const ANY_EVENT = z.looseObject({});

/** Why `payload` cannot be handled as event `name`, naming the field; undefined when it can. */
export function payloadProblem(name: string, payload: unknown): string | undefined {
  const parsed = (SHAPES[name] ?? ANY_EVENT).safeParse(payload);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `the ${name} payload does not have what the App needs: ${formatIssuePath('', issue.path)}: ${issue.message}`;
}
