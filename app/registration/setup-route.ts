/**
 * `GET /setup`: registering the GitHub App with Probot's manifest flow, while the App is off. The page posts
 * `app.yml` (with this server's URLs) to GitHub's "new App" page, of the person's account or of an organization,
 * on github.com or GHE_HOST, with a random `state`. GitHub redirects to `GET /setup/callback?code&state`: the
 * code is exchanged for the App's id, key and webhook secret, which are stored in WHARF_DATA_DIR/github-app.json,
 * and the App is turned on without a restart.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Probot } from 'probot';
import { LruMap } from '../../src/lru/index.ts';
import { convertManifestCode } from './conversion.ts';
import {
  appManifest,
  CALLBACK_PATH,
  githubHosts,
  type GithubHosts,
  installUrl,
  newAppUrl,
  SETUP_PATH,
} from './manifest.ts';
import { escapeHtml } from '../../src/html/index.ts';
import { page } from './pages.ts';
import { githubAppEnv, probotFromEnv, readStoredApp, storeApp, storedAppPath } from './stored-app.ts';

/** GitHub's codes expire an hour after the App is created; a state lives as long. */
const STATE_TTL_MS = 60 * 60_000;
/** Registrations started and not finished; past this many, the oldest are forgotten. */
const STATES_KEPT = 100;
/** GitHub's rule for account names: letters, digits and single hyphens, at most 39 characters. */
const ACCOUNT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export interface SetupRouteOptions {
  /** WHARF_PUBLIC_URL, GHE_HOST, GHE_PROTOCOL, WEBHOOK_PROXY_URL, and Probot's variables (which win over stored ones). */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** True while the App has GitHub credentials. */
  githubOn: () => boolean;
  /** Hands the new App's Probot to the running server. */
  turnOn: (probot: Probot) => Promise<void>;
  /** Builds Probot from Probot's variables; probotFromEnv by default. */
  createProbot?: ((env: NodeJS.ProcessEnv) => Probot) | undefined;
  warn: (message: string) => void;
}

type Html = { status: number; html: string };

export async function setupRoute(app: FastifyInstance, options: SetupRouteOptions): Promise<void> {
  const hosts = githubHosts(options.env);
  const states = new LruMap<string, { until: number }>(STATES_KEPT);
  const createProbot = options.createProbot ?? ((env: NodeJS.ProcessEnv) => probotFromEnv(env));
  /** One exchange at a time: a second callback waits, then finds the App on. */
  let registering: Promise<unknown> = Promise.resolve();

  const send = (reply: FastifyReply, { status, html }: Html): FastifyReply =>
    reply
      .status(status)
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(html);

  const baseUrl = (request: FastifyRequest): string =>
    (options.env.WHARF_PUBLIC_URL || `${request.protocol}://${request.host}`).replace(/\/+$/, '');

  app.get(SETUP_PATH, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    if (options.githubOn()) return send(reply, registeredPage(options, hosts, query));
    const organization = typeof query.org === 'string' ? query.org.trim() : '';
    if (organization && !ACCOUNT_NAME.test(organization)) {
      return send(reply, {
        status: 400,
        html: page(
          'Register the GitHub App',
          `<p class="problem">"${escapeHtml(organization.slice(0, 100))}" is not an organization name on GitHub ` +
            `(letters, digits and single hyphens, at most 39 characters).</p><p><a href="${SETUP_PATH}">Back</a></p>`,
        ),
      });
    }
    const state = randomBytes(24).toString('base64url');
    states.set(state, { until: Date.now() + STATE_TTL_MS });
    const manifest = JSON.stringify(appManifest(baseUrl(request), options.env));
    return send(reply, { status: 200, html: registrationPage(hosts, organization || undefined, state, manifest) });
  });

  app.get(CALLBACK_PATH, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const result = (registering = registering.then(
      () => callback(query),
      () => callback(query),
    ));
    return send(reply, (await result) as Html);
  });

  async function callback(query: Record<string, unknown>): Promise<Html> {
    const failure = (status: number, problem: string): Html => ({
      status,
      html: page(
        'The GitHub App was not registered',
        `<p class="problem">${escapeHtml(problem)}</p><p>Nothing was stored. <a href="${SETUP_PATH}">Start again</a>.</p>`,
      ),
    });
    if (options.githubOn()) {
      return failure(409, 'The GitHub App is already on here: this registration was not used.');
    }
    const state = typeof query.state === 'string' ? query.state : '';
    const known = state ? states.get(state) : undefined;
    if (state) states.delete(state);
    if (!known || known.until < Date.now()) {
      return failure(
        400,
        state
          ? 'The state of this redirect is not one this server handed out, or it is more than an hour old (or the ' +
              'server restarted since the registration started). If GitHub created the App, delete it there first.'
          : 'The redirect carries no state: it did not come from a registration this server started.',
      );
    }
    const code = typeof query.code === 'string' ? query.code : '';
    if (!code || code.length > 200)
      return failure(400, "The redirect carries no code from GitHub (or a code that isn't one).");

    const converted = await convertManifestCode(hosts.api, code);
    if (!converted.ok) {
      options.warn(`App registration: ${converted.problem}`);
      return failure(converted.status, converted.problem);
    }
    const registered = converted.app;
    try {
      storeApp(options.dataDir, {
        appId: registered.id,
        slug: registered.slug,
        ...(registered.name && { name: registered.name }),
        ...(registered.owner && { owner: registered.owner.login }),
        ...(registered.html_url && { htmlUrl: registered.html_url }),
        privateKey: registered.pem,
        webhookSecret: registered.webhook_secret,
        ...(registered.client_id && { clientId: registered.client_id }),
        ...(registered.client_secret && { clientSecret: registered.client_secret }),
        ...(options.env.GHE_HOST && {
          gheHost: options.env.GHE_HOST,
          gheProtocol: options.env.GHE_PROTOCOL || 'https',
        }),
        registeredAt: new Date().toISOString(),
      });
    } catch (error) {
      const problem = `GitHub registered the App "${registered.slug}", but wharf could not store it in ${storedAppPath(options.dataDir)}: ${(error as Error).message}. Delete the App on GitHub, fix the data directory, and register again.`;
      options.warn(`App registration: ${problem}`);
      return {
        status: 500,
        html: page('The GitHub App was not stored', `<p class="problem">${escapeHtml(problem)}</p>`),
      };
    }
    const install = installUrl(hosts, registered.slug);
    const installLink = `<p><a href="${escapeHtml(install)}">Install the App</a> on the accounts and repositories it should serve.</p>`;
    try {
      await options.turnOn(createProbot(githubAppEnv(options.env, options.dataDir).env));
    } catch (error) {
      const problem = `The App "${registered.slug}" is registered and stored in ${storedAppPath(options.dataDir)}, but it could not be turned on: ${(error as Error).message}. Restart wharf to turn it on.`;
      options.warn(`App registration: ${problem}`);
      return {
        status: 500,
        html: page('The GitHub App is registered', `<p class="problem">${escapeHtml(problem)}</p>${installLink}`),
      };
    }
    return {
      status: 200,
      html: page(
        'The GitHub App is registered',
        `<p>GitHub registered the App <strong>${escapeHtml(registered.name ?? registered.slug)}</strong>` +
          `${registered.owner ? ` for <strong>${escapeHtml(registered.owner.login)}</strong>` : ''} (id ${registered.id}). ` +
          `Its id, private key and webhook secret are stored in <code>${escapeHtml(storedAppPath(options.dataDir))}</code> ` +
          '(readable by its owner only), and the App is on: no restart needed.</p>' +
          installLink,
      ),
    };
  }
}

function registrationPage(
  hosts: GithubHosts,
  organization: string | undefined,
  state: string,
  manifest: string,
): string {
  const account = organization
    ? `the organization <strong>${escapeHtml(organization)}</strong>`
    : 'your personal account';
  const form =
    `<form method="post" action="${escapeHtml(newAppUrl(hosts, organization, state))}">` +
    `<input type="hidden" name="manifest" value="${escapeHtml(manifest)}">` +
    `<p>Register the App on ${account} at <code>${escapeHtml(hosts.web)}</code>.</p>` +
    `<button type="submit">Register on GitHub</button></form>`;
  const other = organization
    ? `<p><a href="${SETUP_PATH}">Register on your personal account instead</a>.</p>`
    : `<form method="get" action="${SETUP_PATH}"><p><label>Or on an organization you own: ` +
      `<input name="org" required pattern="[A-Za-z0-9][A-Za-z0-9\\-]{0,38}" placeholder="acme"></label> ` +
      `<button type="submit">Continue</button></p></form>`;
  return page(
    'Register the GitHub App',
    '<p>The App is off: it has no credentials (<code>APP_ID</code>, <code>PRIVATE_KEY</code>, ' +
      '<code>WEBHOOK_SECRET</code>). It dispatches workflows for self-service actions, reports their runs to Port and ' +
      'syncs repositories into the catalog.</p>' +
      '<p>Register it with GitHub from the manifest <code>app.yml</code>: GitHub asks for a name, creates the App ' +
      'and sends you back here, and wharf stores its credentials in the data directory and turns it on.</p>' +
      form +
      other +
      `<details><summary>The manifest</summary><pre>${escapeHtml(JSON.stringify(JSON.parse(manifest), null, 2))}</pre></details>`,
  );
}

function registeredPage(options: SetupRouteOptions, hosts: GithubHosts, query: Record<string, unknown>): Html {
  let stored: ReturnType<typeof readStoredApp>;
  try {
    stored = readStoredApp(options.dataDir);
  } catch {
    stored = undefined;
  }
  const fromStore = stored ? githubAppEnv(options.env, options.dataDir).fromStore : [];
  const source =
    fromStore.length === 0
      ? 'Its credentials come from the environment (<code>APP_ID</code>, <code>PRIVATE_KEY</code>, <code>WEBHOOK_SECRET</code>).'
      : `It was registered here: ${fromStore.map((name) => `<code>${name}</code>`).join(', ')} come from ` +
        `<code>${escapeHtml(storedAppPath(options.dataDir))}</code>` +
        (fromStore.length < 3 ? ', the others from the environment.' : '.');
  const installed =
    typeof query.installation_id === 'string' && /^\d+$/.test(query.installation_id)
      ? `<p>Installed (installation ${escapeHtml(query.installation_id)}).</p>`
      : '';
  const install =
    stored && fromStore.includes('APP_ID')
      ? `<p><a href="${escapeHtml(installUrl(hosts, stored.slug))}">Install the App</a> on more accounts or repositories.</p>`
      : '';
  return {
    status: 200,
    html: page(
      'The GitHub App is registered',
      `<p>The App is already registered and on. ${source}</p>${installed}${install}`,
    ),
  };
}
