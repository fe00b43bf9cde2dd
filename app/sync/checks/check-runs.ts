/**
 * Check runs that tell people about their files where they work: a port-app-config.yml that does not parse (on
 * the commit that changed it), GitOps files that do not parse or that Port would refuse (on the pull request's
 * head, and on a push), files of `file` resources whose patterns ask for a `validationCheck` (on the pull
 * request's head). The bodies are built here, pure; CheckRunPoster sends them.
 */
import type { GithubAccess } from '../../github/index.ts';
import type { ConfigError } from '../mapping/index.ts';

export const CONFIG_CHECK_NAME = 'wharf: port-app-config.yml';
export const GITOPS_CHECK_NAME = 'wharf: GitOps';
export const FILE_VALIDATION_CHECK_NAME = 'wharf: file validation';

/** GitHub takes at most 50 annotations in one request. */
const MAX_ANNOTATIONS = 50;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

export interface CheckRunBody {
  name: string;
  conclusion: 'success' | 'failure';
  output: { title: string; summary: string; annotations: Annotation[] };
}

export interface FileProblem {
  path: string;
  line: number;
  column?: number;
  /** `resources[0].port.entity.mappings.identifier`, `[1].properties.url`, or '' for the whole file. */
  field: string;
  message: string;
}

function annotate(problems: readonly FileProblem[]): Annotation[] {
  return problems.slice(0, MAX_ANNOTATIONS).map((problem) => ({
    path: problem.path,
    start_line: problem.line,
    end_line: problem.line,
    annotation_level: 'failure',
    title: problem.field || problem.path,
    message: problem.message,
  }));
}

/** One line per problem: `path line 3, column 5: field: message`. */
function listing(problems: readonly FileProblem[]): string {
  return problems
    .map(
      (problem) =>
        `- \`${problem.path}\` line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: ${problem.field ? `\`${problem.field}\`: ` : ''}${problem.message}`,
    )
    .join('\n');
}

/** The check run of a changed port-app-config.yml: success, or failure naming each problem's line and field. */
export function configCheckRun(path: string, error: ConfigError | undefined, inForce: string): CheckRunBody {
  if (!error) {
    return {
      name: CONFIG_CHECK_NAME,
      conclusion: 'success',
      output: { title: `${path} is valid`, summary: `${path} parsed; it is in force now.`, annotations: [] },
    };
  }
  const problems: FileProblem[] = error.problems.map((problem) => ({
    path,
    line: problem.line,
    column: problem.column,
    field: problem.field,
    message: problem.reason,
  }));
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return {
    name: CONFIG_CHECK_NAME,
    conclusion: 'failure',
    output: {
      title: `${path}: ${count}; ${inForce} stays in force`,
      summary: `${path} does not parse, so it is not used: ${inForce} stays in force until it is fixed.\n\n${listing(problems)}`,
      annotations: annotate(problems),
    },
  };
}

/** The check run of GitOps files: success naming how many entities, or failure naming each problem. */
export function gitopsCheckRun(
  files: readonly string[],
  entities: number,
  problems: readonly FileProblem[],
  what: 'validated' | 'written',
): CheckRunBody {
  const counted = `${entities} ${entities === 1 ? 'entity' : 'entities'}`;
  return filesCheckRun(GITOPS_CHECK_NAME, 'GitOps files', files, problems, {
    title: `${counted} ${what}`,
    summary: `${counted} ${what === 'validated' ? 'Port accepts' : 'written to Port'}.`,
  });
}

/**
 * The check run of the files a pull request changes that `file` resources validate: success naming the entities
 * Port would take (and the files their resources' queries leave out), or failure naming each problem.
 */
export function fileValidationCheckRun(
  files: readonly string[],
  entities: number,
  skipped: readonly string[],
  problems: readonly FileProblem[],
): CheckRunBody {
  const counted = `${entities} ${entities === 1 ? 'entity' : 'entities'}`;
  const left =
    skipped.length > 0 ? ` The resources' queries leave out ${skipped.map((file) => `\`${file}\``).join(', ')}.` : '';
  return filesCheckRun(FILE_VALIDATION_CHECK_NAME, 'Files', files, problems, {
    title: `${counted} valid`,
    summary: `${counted} as the mapping makes them; Port accepts them.${left}`,
  });
}

function filesCheckRun(
  name: string,
  what: string,
  files: readonly string[],
  problems: readonly FileProblem[],
  success: { title: string; summary: string },
): CheckRunBody {
  const names = files.map((file) => `\`${file}\``).join(', ');
  if (problems.length === 0) {
    return {
      name,
      conclusion: 'success',
      output: { title: success.title, summary: `${names}: ${success.summary}`, annotations: [] },
    };
  }
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const more =
    problems.length > MAX_ANNOTATIONS ? `\n\n(${problems.length - MAX_ANNOTATIONS} more problems not annotated)` : '';
  return {
    name,
    conclusion: 'failure',
    output: {
      title: `${what}: ${count}`,
      summary: `${names}:\n\n${listing(problems)}${more}`,
      annotations: annotate(problems),
    },
  };
}

/** Sends check runs with the installation's client (the App needs the Checks: write permission). */
export class CheckRunPoster {
  private readonly github: GithubAccess;
  private readonly warn: (message: string) => void;

  constructor(github: GithubAccess, warn: (message: string) => void) {
    this.github = github;
    this.warn = warn;
  }

  /** Never throws: a check run that cannot be posted is logged, the sync goes on. */
  async post(installationId: number, owner: string, repo: string, sha: string, body: CheckRunBody): Promise<void> {
    try {
      const octokit = await this.github.octokit(installationId);
      await octokit.rest.checks.create({
        owner,
        repo,
        head_sha: sha,
        name: body.name,
        status: 'completed',
        conclusion: body.conclusion,
        completed_at: new Date().toISOString(),
        output: body.output,
      });
    } catch (error) {
      this.warn(`could not post the check run "${body.name}" on ${owner}/${repo}@${sha}: ${(error as Error).message}`);
    }
  }
}
