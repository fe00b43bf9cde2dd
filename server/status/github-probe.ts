import { type GithubAccess, githubMessage, githubStatus } from '../../app/github/index.ts';

export type ProbeResult =
  | { ok: true; at: number; app: { slug: string; name: string; htmlUrl: string } }
  | { ok: false; at: number; error: string };

export type InstallationsResult =
  | { ok: true; at: number; installations: Array<{ id: number; account: string }> }
  | { ok: false; at: number; error: string };

export interface GithubProbeSettings {
  /** How long a successful `GET /app` counts as "authenticates now" (default 60 s). */
  freshForMs: number;
  /** How long a probe may take before it counts as failed (default 5 s). */
  timeoutMs: number;
  /** How long the list of installations is kept before GitHub is asked again (default 60 s). */
  installationsForMs: number;
}

const DEFAULTS: GithubProbeSettings = { freshForMs: 60_000, timeoutMs: 5_000, installationsForMs: 60_000 };

/**
 * Asks GitHub whether the App can authenticate (`GET /app` with its JWT) and which installations it has, for
 * /readyz and the status page. A success is reused while fresh; a failure is not, so the next check asks again.
 * Concurrent checks share one call. The App's GitHub access is read on every check: it may be turned on while
 * the server runs (registration from /setup).
 */
export class GithubProbe {
  private readonly access: () => GithubAccess | undefined;
  private readonly settings: GithubProbeSettings;
  private last: { access: GithubAccess; result: ProbeResult } | undefined;
  private running: { access: GithubAccess; promise: Promise<ProbeResult> } | undefined;
  private installationsCache: { access: GithubAccess; result: InstallationsResult } | undefined;
  private installationsRunning: Promise<InstallationsResult> | undefined;

  constructor(access: () => GithubAccess | undefined, settings: Partial<GithubProbeSettings> = {}) {
    this.access = access;
    this.settings = { ...DEFAULTS, ...settings };
  }

  /** The latest result without asking GitHub; undefined when it was never asked (or the App changed since). */
  latest(): ProbeResult | undefined {
    const access = this.access();
    return access && this.last?.access === access ? this.last.result : undefined;
  }

  /** Whether the App authenticates to GitHub now: undefined while the App is off. */
  async check(): Promise<ProbeResult | undefined> {
    const access = this.access();
    if (!access) return undefined;
    const last = this.latest();
    if (last?.ok && Date.now() - last.at < this.settings.freshForMs) return last;
    if (this.running?.access !== access) {
      const promise = this.probe(access).finally(() => {
        if (this.running?.promise === promise) this.running = undefined;
      });
      this.running = { access, promise };
    }
    return this.running.promise;
  }

  /** The App's installations (kept a while); undefined while the App is off. */
  async installations(): Promise<InstallationsResult | undefined> {
    const access = this.access();
    if (!access) return undefined;
    const cached = this.installationsCache;
    if (cached?.access === access && Date.now() - cached.result.at < this.settings.installationsForMs) {
      return cached.result;
    }
    this.installationsRunning ??= within(access.listInstallations(), this.settings.timeoutMs)
      .then(
        (installations): InstallationsResult => ({ ok: true, at: Date.now(), installations }),
        (error: unknown): InstallationsResult => ({ ok: false, at: Date.now(), error: describe(error) }),
      )
      .then((result) => {
        // A failure is shown once and asked again next time.
        this.installationsCache = result.ok ? { access, result } : undefined;
        return result;
      })
      .finally(() => {
        this.installationsRunning = undefined;
      });
    return this.installationsRunning;
  }

  private async probe(access: GithubAccess): Promise<ProbeResult> {
    let result: ProbeResult;
    try {
      const app = await within(access.identity(), this.settings.timeoutMs);
      result = { ok: true, at: Date.now(), app };
    } catch (error) {
      result = { ok: false, at: Date.now(), error: describe(error) };
    }
    if (this.access() === access) this.last = { access, result };
    return result;
  }
}

function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`GitHub did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** GitHub's status and message, without its documentation link. */
function describe(error: unknown): string {
  const status = githubStatus(error);
  return status ? `${status}: ${githubMessage(error)}` : githubMessage(error);
}
