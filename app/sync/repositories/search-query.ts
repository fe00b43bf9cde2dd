/**
 * `repoSearch.query`: a GitHub repository search (https://docs.github.com/en/search-github/searching-on-github/
 * searching-for-repositories) that narrows which repositories a resource reads, as in the vendor's integration.
 * Pure: the bounds a configuration is checked against, the queries sent to GitHub, and what can be told of one
 * repository from its REST object without asking GitHub.
 *
 * A live event names one repository, and most of what a query says (`topic:`, `archived:`, `is:private`,
 * `stars:>10`, ...) can be read off the repository the event carries; free text (`dev in:name`) cannot, since GitHub
 * matches words its own way. The answer is three-valued: true or false when the repository's fields decide it,
 * undefined when only GitHub's search can.
 */

/** Longer queries are refused; GitHub itself takes 256 characters besides its qualifiers and operators. */
export const MAX_SEARCH_QUERY_LENGTH = 512;
/** GitHub refuses a search with more AND, OR and NOT operators than this. */
export const MAX_SEARCH_OPERATORS = 5;

const OPERATORS = new Set(['AND', 'OR', 'NOT']);

/** Why `query` cannot be a repoSearch query, or undefined when it can. */
export function searchQueryProblem(query: string): string | undefined {
  if (query.length > MAX_SEARCH_QUERY_LENGTH) {
    return `must be at most ${MAX_SEARCH_QUERY_LENGTH} characters, got ${query.length}`;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(query)) return 'must be one line without control characters';
  if ((query.match(/"/g)?.length ?? 0) % 2 === 1) return 'has a quote that is not closed';
  const operators = tokens(query).filter((token) => OPERATORS.has(token)).length;
  if (operators > MAX_SEARCH_OPERATORS) {
    return `has ${operators} AND, OR or NOT operators; GitHub's search takes at most ${MAX_SEARCH_OPERATORS}`;
  }
  return undefined;
}

/** The query of an account's repositories: `org:` for an organization, `user:` for a user. */
export function accountSearchQuery(owner: string, type: 'Organization' | 'User', query: string): string {
  return `${type === 'User' ? 'user' : 'org'}:${owner} ${query}`.trim();
}

/** The query that finds one repository when the search takes it (nothing otherwise). */
export function repositorySearchQuery(owner: string, name: string, query: string): string {
  return `repo:${owner}/${name} ${query}`.trim();
}

/** Whether the query already narrows creation dates (so that wharf cannot split it by them). */
export function narrowsCreation(query: string): boolean {
  return terms(query).some((term) => term.type === 'qualifier' && term.name === 'created');
}

/** The words of a query: whitespace apart, except inside double quotes. */
function tokens(query: string): string[] {
  return query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

type Term =
  | { type: 'operator'; operator: string }
  | { type: 'qualifier'; name: string; value: string; negated: boolean }
  | { type: 'text'; text: string };

function terms(query: string): Term[] {
  return tokens(query).map((token): Term => {
    if (OPERATORS.has(token)) return { type: 'operator', operator: token };
    const qualifier = /^(-?)([a-z][\w.-]*):(.+)$/i.exec(token);
    if (!qualifier) return { type: 'text', text: token };
    return {
      type: 'qualifier',
      negated: qualifier[1] === '-',
      name: qualifier[2]!.toLowerCase(),
      value: qualifier[3]!.replace(/^"(.*)"$/, '$1'),
    };
  });
}

/** A repository in the REST shape (as webhooks carry it): the fields a query looks at, any of them missing. */
export type SearchedFields = object;
type Fields = Readonly<Record<string, unknown>>;

type Truth = boolean | undefined;

/**
 * Whether GitHub's search for `query` among the repositories of their owner takes `repository`: true or false when
 * its fields decide it, undefined when only GitHub can tell (free text, OR and NOT, qualifiers it does not carry).
 * As GitHub's search, a fork is left out unless the query says `fork:true` or `fork:only`.
 */
export function searchTakes(query: string, fields: SearchedFields): Truth {
  const repository = fields as Fields;
  const parsed = terms(query);
  if (parsed.some((term) => term.type === 'operator' && term.operator !== 'AND')) return undefined;
  if (/[()]/.test(query.replace(/"[^"]*"/g, ''))) return undefined;
  const values: Truth[] = parsed.map((term) => {
    if (term.type !== 'qualifier') return term.type === 'operator' ? true : undefined;
    // What leaving forks out means to GitHub with `-fork:` is not said.
    if (term.negated && term.name === 'fork') return undefined;
    const value = qualifierTakes(term.name, term.value, repository);
    return term.negated && value !== undefined ? !value : value;
  });
  if (!parsed.some((term) => term.type === 'qualifier' && term.name === 'fork' && !term.negated)) {
    const fork = repository.fork;
    values.push(typeof fork === 'boolean' ? !fork : undefined);
  }
  return all(values);
}

/** Kleene's AND: false wins, then unknown. */
function all(values: readonly Truth[]): Truth {
  if (values.includes(false)) return false;
  return values.includes(undefined) ? undefined : true;
}

const same = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** GitHub lists topics in full on webhooks; a repository read with GraphQL carries its first 20 only. */
const TOPICS_READ = 20;

function qualifierTakes(name: string, value: string, repository: Fields): Truth {
  const owner = (repository.owner as { login?: unknown } | null | undefined)?.login;
  const topics = Array.isArray(repository.topics) ? (repository.topics as unknown[]) : undefined;
  switch (name) {
    case 'org':
    case 'user':
      return typeof owner === 'string' ? same(owner, value) : undefined;
    case 'repo':
      return typeof owner === 'string' && typeof repository.name === 'string'
        ? same(`${owner}/${repository.name}`, value)
        : undefined;
    case 'archived':
      return flag(value, repository.archived);
    case 'template':
      return flag(value, repository.is_template);
    case 'mirror':
      return 'mirror_url' in repository ? flag(value, repository.mirror_url != null) : undefined;
    case 'fork':
      if (value === 'true') return true;
      return value === 'only' ? flag('true', repository.fork) : undefined;
    case 'is':
      return visibilityTakes(value.toLowerCase(), repository);
    case 'topic':
      if (!topics) return undefined;
      if (topics.some((topic) => same(topic, value))) return true;
      return topics.length < TOPICS_READ ? false : undefined;
    case 'topics':
      return topics && topics.length < TOPICS_READ ? numberTakes(value, topics.length) : undefined;
    case 'language':
      // GitHub also takes a language's aliases (`golang`): only a match, or no language at all, is certain.
      if (repository.language === null) return false;
      return same(languageName(repository.language), languageName(value)) ? true : undefined;
    case 'license': {
      const license = repository.license as { key?: unknown } | null | undefined;
      if (license === null) return false;
      // A key also names a family (`cc` takes `cc-by-4.0`): only the key itself is certain.
      return same(license?.key, value) ? true : undefined;
    }
    case 'stars':
      return numberTakes(value, repository.stargazers_count);
    case 'forks':
      return numberTakes(value, repository.forks_count);
    case 'size':
      return numberTakes(value, repository.size);
    case 'created':
      return dateTakes(value, repository.created_at);
    case 'pushed':
      return dateTakes(value, repository.pushed_at);
    default:
      return undefined;
  }
}

function languageName(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, '-') : '';
}

function flag(value: string, field: unknown): Truth {
  if (typeof field !== 'boolean' || (value !== 'true' && value !== 'false')) return undefined;
  return field === (value === 'true');
}

function visibilityTakes(value: string, repository: Fields): Truth {
  if (!['public', 'private', 'internal'].includes(value)) return undefined;
  if (typeof repository.visibility === 'string') return repository.visibility.toLowerCase() === value;
  // Without `visibility`, `private: true` may be private or internal.
  if (repository.private === false) return value === 'public';
  return repository.private === true && value === 'public' ? false : undefined;
}

/** A bound of a range (`>10`, `10..20`, `*..5`): the lowest and highest value taken, inclusive. */
interface Bounds<T> {
  low: T | null;
  high: T | null;
}

/** `n`, `>n`, `>=n`, `<n`, `<=n`, `a..b`, `a..*`, `*..b` over numbers. */
function numberTakes(value: string, field: unknown): Truth {
  if (typeof field !== 'number') return undefined;
  const bounds = rangeOf(value, (text) => (/^\d+$/.test(text) ? { low: Number(text), high: Number(text) } : null));
  if (!bounds) return undefined;
  return (bounds.low === null || field >= bounds.low) && (bounds.high === null || field <= bounds.high);
}

const DAY_MS = 86_400_000;

/**
 * Dates and times (`>2024-01-01`, `2024-01-01..2024-06-30`, `<2024-01-01T12:00:00Z`). How GitHub places a day
 * without a time in time zones is not said, so a repository within a day of a bound is left to GitHub.
 */
function dateTakes(value: string, field: unknown): Truth {
  const time = typeof field === 'number' ? field * 1000 : typeof field === 'string' ? Date.parse(field) : Number.NaN;
  if (Number.isNaN(time)) return undefined;
  const bounds = rangeOf(value, (text) => {
    const start = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(start)) return null;
    return { low: start, high: start + (text.length === 10 ? DAY_MS : 1000) - 1 };
  });
  if (!bounds) return undefined;
  const near = (bound: number | null) => bound !== null && Math.abs(time - bound) < DAY_MS;
  if (near(bounds.low) || near(bounds.high)) return undefined;
  return (bounds.low === null || time >= bounds.low) && (bounds.high === null || time <= bounds.high);
}

/** A range in GitHub's syntax, each value read by `read` as the bounds it stands for alone. */
function rangeOf<T extends number>(value: string, read: (text: string) => Bounds<T> | null): Bounds<T> | null {
  const compared = /^(>=|<=|>|<)(.+)$/.exec(value);
  if (compared) {
    const bounds = read(compared[2]!);
    if (!bounds) return null;
    switch (compared[1]) {
      case '>':
        return { low: (bounds.high! + 1) as T, high: null };
      case '>=':
        return { low: bounds.low, high: null };
      case '<':
        return { low: null, high: (bounds.low! - 1) as T };
      default:
        return { low: null, high: bounds.high };
    }
  }
  const range = /^(.+?)\.\.(.+)$/.exec(value);
  if (range) {
    const low = range[1] === '*' ? { low: null, high: null } : read(range[1]!);
    const high = range[2] === '*' ? { low: null, high: null } : read(range[2]!);
    return low && high ? { low: low.low, high: high.high } : null;
  }
  return read(value);
}
