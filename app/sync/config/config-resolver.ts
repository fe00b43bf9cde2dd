/**
 * Which port-app-config.yml is in force for a repository: its own `.github/port-app-config.yml`, else the
 * organization's (in its `.github-private` repository, else its `.github` repository), else the built-in default.
 * A file that does not parse is logged and the last good one of the same scope stays in force (kept in the App's
 * state, so across restarts and replicas too); with none, the next place applies. Answers are cached per organization and repository
 * until a push changes the file (invalidate) or `ttlMs` passes.
 */
import { kindDefinition } from '../kinds/index.ts';
import { LruMap } from '../../../src/lru/index.ts';
import { ConfigError, type ConfigProblem, type Kind, parsePortAppConfig } from '../mapping/index.ts';
import type { SyncState } from '../../state/index.ts';
import { type ActiveConfig, activeConfig, DEFAULT_ACTIVE_CONFIG } from './active-config.ts';

export const CONFIG_PATH = '.github/port-app-config.yml';
/** The organization's repositories that may hold its configuration, in the order they are read. */
export const ORGANIZATION_CONFIG_REPOSITORIES = ['.github-private', '.github'] as const;

/** Reads files on default branches: one query for several repositories (RepositoryReader.filesOfRepositories). */
export type ConfigFileReader = (
  requests: ReadonlyArray<{ owner: string; name: string; ref: string; paths: readonly string[] }>,
) => Promise<Array<Record<string, string | null>>>;

export const configSource = (owner: string, repo: string): string => `${owner}/${repo}:${CONFIG_PATH}`;

/** Caps on what is cached: a forgotten entry is read again when next needed, so only memory is at stake. */
const ORGANIZATIONS_KEPT = 1000;
const REPOSITORIES_KEPT = 20_000;

type Evaluated = { ok: true; config: ActiveConfig } | { ok: false; error: ConfigError };

/** A port-app-config.yml that does not parse, as last read: for the status page. */
export interface BrokenConfig {
  /** `acme/api:.github/port-app-config.yml` */
  source: string;
  problems: readonly ConfigProblem[];
  /** What applies instead: the scope's last good file, or the next place (the organization's or the default). */
  instead: string;
  /** When it was first read broken in this text (epoch ms). */
  since: number;
}

/** Broken files remembered for the status page; past this the oldest is forgotten (a restart forgets them all). */
const BROKEN_KEPT = 1000;

export class ConfigResolver {
  private readonly store: SyncState;
  private readonly warn: (message: string) => void;
  private readonly ttlMs: number;
  private readonly organizations = new LruMap<string, { config: ActiveConfig; until: number }>(ORGANIZATIONS_KEPT);
  /** A repository's own configuration, or null when it has none (the organization's applies). */
  private readonly repositories = new LruMap<string, { own: ActiveConfig | null; until: number }>(REPOSITORIES_KEPT);
  /** Reads under way, by repository: concurrent callers wait for the same one. */
  private readonly reading = new Map<string, Promise<ActiveConfig>>();
  /** Parsed texts, so a text parses (and warns) once however many repositories carry it. */
  private readonly parsed = new Map<string, Promise<Evaluated>>();
  /** Files that do not parse, by source (lowercase), until one that parses or none is read there. */
  private readonly broken = new Map<string, BrokenConfig & { text: string }>();

  constructor(store: SyncState, warn: (message: string) => void, ttlMs: number) {
    this.store = store;
    this.warn = warn;
    this.ttlMs = ttlMs;
  }

  /** The organization's configuration; `read` is used only when the cache has none. */
  async organization(owner: string, read: ConfigFileReader): Promise<ActiveConfig> {
    const cached = this.organizations.get(owner.toLowerCase());
    if (cached && cached.until > Date.now()) return cached.config;
    const texts = await read(
      ORGANIZATION_CONFIG_REPOSITORIES.map((name) => ({ owner, name, ref: 'HEAD', paths: [CONFIG_PATH] })),
    );
    return this.organizationFrom(
      owner,
      texts.map((files) => files[CONFIG_PATH] ?? null),
    );
  }

  /**
   * The organization's configuration as last known, without reading GitHub (which no longer answers for an
   * account the App was uninstalled from): the cached one however old, else the last good one kept in the state, else
   * the built-in default.
   */
  async remembered(owner: string): Promise<ActiveConfig> {
    const cached = this.organizations.get(owner.toLowerCase());
    if (cached) return cached.config;
    const lastGood = await this.store.lastGoodConfig(owner.toLowerCase());
    const evaluated = lastGood ? await this.evaluate(lastGood.source, lastGood.text) : undefined;
    return evaluated?.ok ? evaluated.config : DEFAULT_ACTIVE_CONFIG;
  }

  /** The organization's configuration when the cache knows it now, without reading anything. */
  cachedOrganization(owner: string): ActiveConfig | undefined {
    const cached = this.organizations.get(owner.toLowerCase());
    return cached && cached.until > Date.now() ? cached.config : undefined;
  }

  /** The configuration of a repository when the cache knows it now, without reading anything. */
  cachedRepository(owner: string, repo: string): ActiveConfig | undefined {
    const cached = this.repositories.get(`${owner}/${repo}`.toLowerCase());
    if (!cached || cached.until <= Date.now()) return undefined;
    if (cached.own) return cached.own;
    const organization = this.organizations.get(owner.toLowerCase());
    return organization && organization.until > Date.now() ? organization.config : undefined;
  }

  /**
   * The configuration of a repository, reading its own file when the cache does not know it. Callers asking at the
   * same time share one read: a burst of events on a repository is one query to GitHub, not one per event.
   */
  async repository(owner: string, repo: string, read: ConfigFileReader): Promise<ActiveConfig> {
    const known = this.cachedRepository(owner, repo);
    if (known) return known;
    const key = `${owner}/${repo}`.toLowerCase();
    let reading = this.reading.get(key);
    if (!reading) {
      reading = this.readRepository(owner, repo, read).finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
    }
    return reading;
  }

  private async readRepository(owner: string, repo: string, read: ConfigFileReader): Promise<ActiveConfig> {
    const key = `${owner}/${repo}`.toLowerCase();
    const cached = this.repositories.get(key);
    if (cached && cached.until > Date.now()) return cached.own ?? this.organization(owner, read);
    const orgCached = this.organizations.get(owner.toLowerCase());
    if (orgCached && orgCached.until > Date.now()) {
      const [files] = await read([{ owner, name: repo, ref: 'HEAD', paths: [CONFIG_PATH] }]);
      return this.repositoryFrom(owner, repo, files![CONFIG_PATH] ?? null, orgCached.config);
    }
    // Neither is known: the repository's file and the organization's in one query.
    const texts = await read(
      [repo, ...ORGANIZATION_CONFIG_REPOSITORIES].map((name) => ({ owner, name, ref: 'HEAD', paths: [CONFIG_PATH] })),
    );
    const [own, ...organization] = texts.map((files) => files[CONFIG_PATH] ?? null);
    const orgConfig = await this.organizationFrom(owner, organization);
    return this.repositoryFrom(owner, repo, own ?? null, orgConfig);
  }

  /**
   * The configuration of a repository whose own file's text the caller already read (a resync reads it with each
   * page), given the organization's.
   */
  async repositoryFrom(
    owner: string,
    repo: string,
    ownText: string | null,
    organization: ActiveConfig,
  ): Promise<ActiveConfig> {
    const scope = `${owner}/${repo}`.toLowerCase();
    let own: ActiveConfig | null = null;
    if (ownText === null) {
      await this.store.forgetConfig(scope);
      this.broken.delete(configSource(owner, repo).toLowerCase());
    } else {
      own = await this.inForce(scope, configSource(owner, repo), ownText);
    }
    this.repositories.set(scope, { own, until: Date.now() + this.ttlMs });
    return own ?? organization;
  }

  /** Forgets what is cached for a repository, or (without `repo`) for the organization and all its repositories. */
  invalidate(owner: string, repo?: string): void {
    if (repo !== undefined && !(ORGANIZATION_CONFIG_REPOSITORIES as readonly string[]).includes(repo)) {
      this.repositories.delete(`${owner}/${repo}`.toLowerCase());
      return;
    }
    this.organizations.delete(owner.toLowerCase());
    const prefix = `${owner.toLowerCase()}/`;
    for (const key of [...this.repositories.keys()]) if (key.startsWith(prefix)) this.repositories.delete(key);
  }

  /** Files that do not parse, as last read, oldest first. */
  brokenConfigs(): BrokenConfig[] {
    return [...this.broken.values()].map(({ text: _text, ...broken }) => broken);
  }

  private remember(broken: BrokenConfig & { text: string }): void {
    const key = broken.source.toLowerCase();
    const known = this.broken.get(key);
    if (known?.text === broken.text) return; // the same text read again: broken since the first reading
    this.broken.delete(key);
    this.broken.set(key, broken);
    if (this.broken.size > BROKEN_KEPT) this.broken.delete(this.broken.keys().next().value!);
  }

  /** Parses a text (cached by content): the configuration, or the problems of the file. */
  async evaluate(source: string, text: string): Promise<Evaluated> {
    const key = `${source}\u0000${text}`;
    let evaluated = this.parsed.get(key);
    if (!evaluated) {
      if (this.parsed.size > 500) this.parsed.clear();
      evaluated = parsePortAppConfig(text, source, { unsupportedKind }).then(
        (config): Evaluated => ({ ok: true, config: activeConfig(config, source, text) }),
        (error: unknown): Evaluated => {
          if (error instanceof ConfigError) return { ok: false, error };
          throw error;
        },
      );
      this.parsed.set(key, evaluated);
      evaluated.catch(() => this.parsed.delete(key));
    }
    return evaluated;
  }

  private async organizationFrom(owner: string, texts: ReadonlyArray<string | null>): Promise<ActiveConfig> {
    let config: ActiveConfig | null = null;
    for (const [index, text] of texts.entries()) {
      if (text === null) {
        this.broken.delete(configSource(owner, ORGANIZATION_CONFIG_REPOSITORIES[index]!).toLowerCase());
        continue;
      }
      config = await this.inForce(
        owner.toLowerCase(),
        configSource(owner, ORGANIZATION_CONFIG_REPOSITORIES[index]!),
        text,
      );
      if (config) break;
    }
    if (texts.every((text) => text === null)) await this.store.forgetConfig(owner.toLowerCase());
    const result = config ?? DEFAULT_ACTIVE_CONFIG;
    this.organizations.set(owner.toLowerCase(), { config: result, until: Date.now() + this.ttlMs });
    return result;
  }

  /**
   * The configuration a file puts in force in `scope`: the file's, when it parses (remembered as the scope's last
   * good one); the scope's last good one when it does not; null when it does not and there is none.
   */
  private async inForce(scope: string, source: string, text: string): Promise<ActiveConfig | null> {
    const evaluated = await this.evaluate(source, text);
    if (evaluated.ok) {
      await this.store.saveGoodConfig(scope, source, text, Date.now());
      this.broken.delete(source.toLowerCase());
      return evaluated.config;
    }
    const lastGood = await this.store.lastGoodConfig(scope);
    const fallback = lastGood ? await this.evaluate(lastGood.source, lastGood.text) : undefined;
    const keeps = fallback?.ok ? `the last good one (${lastGood!.source}) stays in force` : 'it is ignored';
    this.remember({
      source,
      text,
      problems: evaluated.error.problems,
      instead: fallback?.ok
        ? `the last good version of ${lastGood!.source}`
        : 'the next place (organization or default)',
      since: Date.now(),
    });
    this.warn(`${source} does not parse, ${keeps}:\n${evaluated.error.message}`);
    return fallback?.ok ? fallback.config : null;
  }
}

/** A kind of the vendor's list that wharf cannot sync yet is a configuration error, never silently skipped. */
function unsupportedKind(kind: Kind): string | undefined {
  if (kind === 'repository' || kindDefinition(kind)) return undefined;
  return `wharf does not sync the kind "${kind}" yet`;
}
