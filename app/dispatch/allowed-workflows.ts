import { matchesGlob } from 'node:path';

/**
 * WHARF_ALLOWED_WORKFLOWS: globs of `org/repo/workflow` (comma or newline separated, `*` within a segment);
 * empty allows every workflow. Organization and repository names compare without case, as GitHub's do.
 */
export function parseAllowedWorkflows(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}

export function isWorkflowAllowed(patterns: readonly string[], org: string, repo: string, workflow: string): boolean {
  if (patterns.length === 0) return true;
  const subject = `${org.toLowerCase()}/${repo.toLowerCase()}/${workflow}`;
  return patterns.some((pattern) => {
    const [patternOrg = '', patternRepo = '', ...rest] = pattern.split('/');
    return matchesGlob(subject, `${patternOrg.toLowerCase()}/${patternRepo.toLowerCase()}/${rest.join('/')}`);
  });
}
