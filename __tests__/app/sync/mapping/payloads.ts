/** Recorded webhook payloads from @octokit/webhooks-examples, the GitHub objects a mapping runs over. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type GitHubObject = Record<string, unknown>;
interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const definitions = JSON.parse(
  readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
) as Definition[];

/** Every recorded payload of one event, e.g. "repository", "pull_request". */
export function payloads(event: string): Record<string, unknown>[] {
  const definition = definitions.find((candidate) => candidate.name === event);
  if (!definition) throw new Error(`no recorded ${event} payloads`);
  return definition.examples;
}

/** `payload[key]` of the first recorded `event` payload with that action (and, if given, a match). */
export function recorded(
  event: string,
  key: string,
  action: string | undefined,
  match: (object: GitHubObject) => boolean = () => true,
): GitHubObject {
  const payload = payloads(event).find(
    (candidate) => candidate.action === action && match(candidate[key] as GitHubObject),
  );
  if (!payload) throw new Error(`no recorded ${event}.${action} payload with that ${key}`);
  return structuredClone(payload[key] as GitHubObject);
}
