/**
 * GitHub's repository search for the fake GitHub (`search(type: REPOSITORY, query:)`), over its repositories: a
 * small matcher of its own, apart from wharf's, with the qualifiers the tests use (`org:`, `user:`, `repo:`,
 * `topic:`, `language:`, `archived:`, `fork:`, `is:`, `created:` ranges, `in:name`) and free text in the name,
 * description or topics. As GitHub: forks only with `fork:true` or `fork:only`, and at most 1,000 results listed
 * however many there are (`repositoryCount` says how many).
 */
import type { FakeRepository } from './index.ts';

export const FAKE_SEARCH_LIMIT = 1000;

const lower = (value: string | null | undefined) => (value ?? '').toLowerCase();

function words(query: string): string[] {
  return query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

/** `created:` values: `A..B` (inclusive), `>A`, `>=A`, `<A`, `<=A`, or one day. */
function inCreated(value: string, createdAt: string): boolean {
  const time = Date.parse(createdAt);
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    return (range[1] === '*' || time >= Date.parse(range[1]!)) && (range[2] === '*' || time <= Date.parse(range[2]!));
  }
  const compared = /^(>=|<=|>|<)(.+)$/.exec(value);
  if (compared) {
    const bound = Date.parse(compared[2]!);
    return { '>': time > bound, '>=': time >= bound, '<': time < bound, '<=': time <= bound }[compared[1]!]!;
  }
  const day = Date.parse(value);
  return time >= day && time < day + 86_400_000;
}

/** Whether `query` finds `repository` (owned by `owner`). */
export function fakeSearchFinds(query: string, repository: FakeRepository): boolean {
  const texts: string[] = [];
  let inName = false;
  let forks: 'no' | 'yes' | 'only' = 'no';
  for (const word of words(query)) {
    if (word === 'AND') continue;
    const qualifier = /^(-?)([a-z]+):(.+)$/.exec(word);
    if (!qualifier) {
      texts.push(lower(word.replace(/^"(.*)"$/, '$1')));
      continue;
    }
    const [, negated, name, raw] = qualifier;
    const value = raw!.replace(/^"(.*)"$/, '$1');
    if (name === 'fork') {
      forks = value === 'only' ? 'only' : value === 'true' ? 'yes' : 'no';
      continue;
    }
    if (name === 'in') {
      inName = value === 'name';
      continue;
    }
    const visibility = repository.visibility ?? (repository.private ? 'private' : 'public');
    const holds: Record<string, () => boolean> = {
      org: () => lower(repository.owner) === lower(value),
      user: () => lower(repository.owner) === lower(value),
      repo: () => lower(`${repository.owner}/${repository.name}`) === lower(value),
      topic: () => (repository.topics ?? []).some((topic) => lower(topic) === lower(value)),
      language: () => lower(repository.language) === lower(value),
      archived: () => String(repository.archived ?? false) === value,
      is: () => visibility === value,
      created: () => inCreated(value, repository.createdAt ?? '2024-01-01T00:00:00Z'),
    };
    const test = holds[name!];
    if (!test) throw new Error(`the fake GitHub's search does not know the qualifier "${name}:"`);
    if (test() === (negated === '-')) return false;
  }
  const fork = repository.fork ?? false;
  if ((forks === 'no' && fork) || (forks === 'only' && !fork)) return false;
  const haystack = inName
    ? [lower(repository.name)]
    : [lower(repository.name), lower(repository.description), ...(repository.topics ?? []).map(lower)];
  return texts.every((text) => haystack.some((field) => field.includes(text)));
}
