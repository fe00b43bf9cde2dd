import { globPatternProblem, matchesAnyGlob } from '../../src/glob/index.ts';
import { normalizeWorkflow } from './github-names.ts';

/**
 * WHARF_ALLOWED_WORKFLOWS: globs of `org/repo/workflow` (comma or newline separated, `*` within a segment);
 * empty allows every workflow. Organization and repository names compare without case, as GitHub's do; the
 * workflow may be written as its file name or its path (`.github/workflows/deploy.yml` is `deploy.yml`), on either
 * side. Wildcards do not match a name starting with `.` (`org/*` leaves out `org/.github`): an allow list stays
 * as narrow as it was under path.matchesGlob. A pattern the glob engine refuses (too long) stops the server.
 */
export function parseAllowedWorkflows(value: string | undefined): string[] {
  const patterns = (value ?? '')
    .split(/[,\n]/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
  for (const pattern of patterns) {
    const problem = globPatternProblem(pattern);
    if (problem !== undefined) throw new Error(`WHARF_ALLOWED_WORKFLOWS: ${JSON.stringify(pattern)} ${problem}`);
  }
  return patterns;
}

export function isWorkflowAllowed(patterns: readonly string[], org: string, repo: string, workflow: string): boolean {
  if (patterns.length === 0) return true;
  const subject = `${org.toLowerCase()}/${repo.toLowerCase()}/${normalizeWorkflow(workflow)}`;
  return patterns.some((pattern) => {
    const [patternOrg = '', patternRepo = '', ...rest] = pattern.split('/');
    const patternWorkflow = normalizeWorkflow(rest.join('/'));
    const glob = `${patternOrg.toLowerCase()}/${patternRepo.toLowerCase()}/${patternWorkflow}`;
    return matchesAnyGlob(subject, [glob], { dot: false });
  });
}
