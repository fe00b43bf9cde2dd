import { matchesGlob } from 'node:path';
import { normalizeWorkflow } from './github-names.ts';

/**
 * WHARF_ALLOWED_WORKFLOWS: globs of `org/repo/workflow` (comma or newline separated, `*` within a segment);
 * empty allows every workflow. Organization and repository names compare without case, as GitHub's do; the
 * workflow may be written as its file name or its path (`.github/workflows/deploy.yml` is `deploy.yml`), on either
 * side.
 */
export function parseAllowedWorkflows(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}

export function isWorkflowAllowed(patterns: readonly string[], org: string, repo: string, workflow: string): boolean {
  if (patterns.length === 0) return true;
  const subject = `${org.toLowerCase()}/${repo.toLowerCase()}/${normalizeWorkflow(workflow)}`;
  return patterns.some((pattern) => {
    const [patternOrg = '', patternRepo = '', ...rest] = pattern.split('/');
    const patternWorkflow = normalizeWorkflow(rest.join('/'));
    return matchesGlob(subject, `${patternOrg.toLowerCase()}/${patternRepo.toLowerCase()}/${patternWorkflow}`);
  });
}
