/**
 * Dependabot, code scanning and secret scanning alerts, deployments and environments: the vendor's documented
 * mappings applied in resyncs through the fake GitHub (REST answers of GitHub's OpenAPI examples) into the catalog,
 * recorded webhook payloads for live events, selector options, stale deletion, and lists GitHub refuses.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { TEST_CREDENTIALS, type TestCatalog } from '../../../helpers/catalog-server.ts';
import { type FakeGithub, type FakeRepository, startFakeGithub } from '../../../helpers/fake-github.ts';
import { type FakeSecurity, fakeSecurity } from '../../../helpers/fake-security.ts';
import { deliverWebhook, releaseGithub } from '../../../helpers/github-app.ts';
import {
  entity,
  identifiers,
  INSTALLATION,
  recordedPayload,
  repositoryObject,
  settled,
  startSyncCatalog,
} from '../sync-helpers.ts';

const ORG = 'sec-org';
const USER = 'sec-user';
const USER_INSTALLATION = INSTALLATION + 1;

/** The vendor's documented examples (github-ocean examples: alerts, deployments and environments). */
const CONFIG = `
createMissingRelatedEntities: true
resources:
  - kind: dependabot-alert
    selector:
      query: "true"
      states: ["open"]
      severity: ["high", "critical"]
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .number | tostring
          blueprint: '"githubDependabotAlert"'
          properties:
            state: .state
            severity: .security_advisory.severity
            packageName: .dependency.package.name
            packageEcosystem: .dependency.package.ecosystem
            manifestPath: .dependency.manifest_path
            scope: .dependency.scope
            ghsaID: .security_advisory.ghsa_id
            cveID: .security_advisory.cve_id
            url: .html_url
            references: "[.security_advisory.references[].url]"
            alertCreatedAt: .created_at
            alertUpdatedAt: .updated_at
          relations:
            repository: .__repository
  - kind: code-scanning-alerts
    selector:
      query: "true"
      state: "open"
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .rule.name
          blueprint: '"githubCodeScanAlerts"'
          properties:
            state: .state
            severity: .rule.severity
            tags: .rule.tags
            description: .rule.description
            url: .html_url
          relations:
            repository: .__repository
  - kind: secret-scanning-alerts
    selector:
      query: "true"
      state: "open"
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.number | tostring)
          title: .secret_type_display_name
          blueprint: '"githubSecretScanAlert"'
          properties:
            number: .number
            state: .state
            secret_type: .secret_type
            secret: .secret
            url: .html_url
          relations:
            repository: .__repository
  - kind: environment
    selector:
      query: "true"
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .name
          title: .name
          blueprint: '"githubRepoEnvironment"'
          properties:
            url: .html_url
            customBranchPolicies: .deployment_branch_policy.custom_branches_policies
            protectedBranches: .deployment_branch_policy.protected_branches
            createdAt: .created_at
            updatedAt: .updated_at
          relations:
            repository: .__repository
  - kind: deployment
    selector:
      query: "true"
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.id|tostring)
          title: .task + "-" + .environment
          blueprint: '"githubDeployment"'
          properties:
            description: .description
            ref: .ref
            sha: .sha
            productionEnvironment: .production_environment
            transientEnvironment: .transient_environment
            createdAt: .created_at
            url: .url
          relations:
            deployment_environment: .__repository + "-" + .environment
`;

let github: FakeGithub;
let catalog: TestCatalog;
let fake: FakeSecurity;
let api: FakeRepository;
let web: FakeRepository;
let mine: FakeRepository;
const warnings: string[] = [];

async function resync(owner: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${catalog.url}/api/resync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ owner }),
  });
  expect(response.status).toBe(202);
  const [ticket] = ((await response.json()) as { resyncs: Array<{ resyncId: number }> }).resyncs;
  await settled(catalog);
  const record = await fetch(`${catalog.url}/api/resync/${ticket!.resyncId}`, {
    headers: { authorization: `Bearer ${TEST_CREDENTIALS.clientSecret}` },
  });
  return ((await record.json()) as { resync: Record<string, unknown> }).resync;
}

async function deliver(event: string, payload: Record<string, unknown>): Promise<void> {
  expect((await deliverWebhook(catalog.url, event, payload)).status).toBe(200);
  await settled(catalog);
}

/** A recorded payload of `event.action` about `repository`, with the installation the recordings lack. */
function payload(
  event: string,
  action: string,
  repository: FakeRepository,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  const recorded = recordedPayload(event, action);
  return {
    ...recorded,
    ...changes,
    repository: repositoryObject(repository),
    organization: { login: repository.owner },
    installation: { id: repository.owner === USER ? USER_INSTALLATION : INSTALLATION },
  };
}

const ids = async (blueprint: string) => identifiers(catalog, blueprint);

beforeAll(async () => {
  github = await startFakeGithub();
  github.addInstallation(ORG, INSTALLATION);
  github.addInstallation(USER, USER_INSTALLATION, 'User');
  github.addRepository({ id: 1, name: '.github', owner: ORG, files: { '.github/port-app-config.yml': CONFIG } });
  api = github.addRepository({ id: 11, name: 'api', owner: ORG, files: { 'README.md': '# api' } });
  web = github.addRepository({ id: 12, name: 'web', owner: ORG, files: { 'README.md': '# web' } });
  github.addRepository({ id: 21, name: '.github', owner: USER, files: { '.github/port-app-config.yml': CONFIG } });
  mine = github.addRepository({ id: 22, name: 'mine', owner: USER, files: { 'README.md': '# mine' } });
  fake = fakeSecurity(github);
  catalog = await startSyncCatalog(github, {}, { warn: (message) => warnings.push(message) });
  const blueprint = (identifier: string, properties: Record<string, object>, relations = {}) =>
    catalog.api('POST', '/v1/blueprints', { identifier, title: identifier, schema: { properties }, relations });
  const text = { type: 'string' };
  const toRepository = { repository: { title: 'Repository', target: 'githubRepository', required: true, many: false } };
  await blueprint('service', {});
  await blueprint('githubRepository', {});
  await blueprint(
    'githubDependabotAlert',
    {
      severity: text,
      state: text,
      packageName: text,
      packageEcosystem: text,
      manifestPath: text,
      scope: text,
      ghsaID: text,
      cveID: text,
      url: { type: 'string', format: 'url' },
      references: { type: 'array', items: { type: 'string', format: 'url' } },
      alertCreatedAt: { type: 'string', format: 'date-time' },
      alertUpdatedAt: { type: 'string', format: 'date-time' },
    },
    toRepository,
  );
  await blueprint(
    'githubCodeScanAlerts',
    { state: text, severity: text, description: text, tags: { type: 'array', items: text }, url: text },
    toRepository,
  );
  await blueprint(
    'githubSecretScanAlert',
    { number: { type: 'number' }, state: text, secret_type: text, secret: text, url: text },
    toRepository,
  );
  await blueprint(
    'githubRepoEnvironment',
    {
      url: text,
      createdAt: text,
      updatedAt: text,
      protectedBranches: { type: 'boolean' },
      customBranchPolicies: { type: 'boolean' },
    },
    toRepository,
  );
  await blueprint(
    'githubDeployment',
    {
      description: text,
      ref: text,
      sha: text,
      transientEnvironment: { type: 'boolean' },
      productionEnvironment: { type: 'boolean' },
      createdAt: text,
      url: text,
    },
    {
      deployment_environment: { title: 'Environment', target: 'githubRepoEnvironment', required: false, many: false },
    },
  );
});
afterAll(async () => {
  await catalog.close();
  await github.close();
  releaseGithub();
});

describe('resync', () => {
  test('reads the alerts of an organization with one paged list each, with the selector as GitHub filters', async () => {
    for (let number = 1; number <= 150; number++) fake.dependabotAlert(api, number, 'open', 'high');
    fake.dependabotAlert(web, 1, 'open', 'critical');
    fake.dependabotAlert(web, 2, 'open', 'low'); // severity not selected
    fake.dependabotAlert(web, 3, 'fixed', 'high'); // state not selected
    fake.codeScanningAlert(api, 7, 'open', 'high');
    fake.codeScanningAlert(web, 8, 'fixed', 'high');
    fake.secretScanningAlert(api, 2, 'open', 'ghp_topsecret');
    fake.secretScanningAlert(web, 3, 'resolved');
    const record = await resync(ORG);
    expect(record).toMatchObject({ state: 'completed', errors: 0 });

    const dependabot = await ids('githubDependabotAlert');
    expect(dependabot).toHaveLength(151);
    expect(dependabot).toContain('web-1');
    expect(dependabot).not.toContain('web-2');
    expect(dependabot).not.toContain('web-3');
    expect(await entity(catalog, 'githubDependabotAlert', 'api-42')).toMatchObject({
      title: '42',
      properties: {
        state: 'open',
        severity: 'high',
        packageName: 'ansible',
        packageEcosystem: 'pip',
        manifestPath: 'path/to/requirements.txt',
        ghsaID: 'GHSA-8f4m-hccc-8qph',
        url: 'https://github.com/sec-org/api/security/dependabot/42',
      },
      relations: { repository: 'api' },
    });
    // The relation's target did not exist: createMissingRelatedEntities made it.
    expect(await entity(catalog, 'githubRepository', 'api')).toBeDefined();

    // Organization-wide lists, 100 a page, with GitHub's own filters: two pages of Dependabot alerts in all.
    const lists = fake.listRequests.filter((request) => request.startsWith(`/orgs/${ORG}/`));
    expect(lists.filter((request) => request.includes('/dependabot/'))).toEqual([
      expect.stringContaining('state=open&severity=high%2Ccritical&per_page=100'),
      expect.stringMatching(/after=/),
    ]);
    expect(fake.listRequests.some((request) => request.startsWith('/repos/') && request.includes('alerts'))).toBe(
      false,
    );

    expect(await ids('githubCodeScanAlerts')).toEqual(['api-7']);
    expect(await entity(catalog, 'githubCodeScanAlerts', 'api-7')).toMatchObject({
      title: 'js/zipslip',
      properties: { state: 'open', severity: 'error', tags: ['security', 'external/cwe/cwe-022'] },
      relations: { repository: 'api' },
    });
    expect(await ids('githubSecretScanAlert')).toEqual(['api-2']);
  });

  test('hideSecret (the default) keeps the secret from GitHub, jq and Port', async () => {
    const alert = await entity(catalog, 'githubSecretScanAlert', 'api-2');
    expect(alert).toMatchObject({ properties: { number: 2, state: 'open', secret_type: 'adafruit_io_key' } });
    expect(alert!.properties.secret ?? null).toBeNull();
    expect(fake.listRequests.find((request) => request.includes('/secret-scanning/'))).toMatch(/hide_secret=true/);
    expect(JSON.stringify(warnings)).not.toContain('ghp_topsecret');
  });

  test('reads deployments and environments repository by repository; a deployment relates to its environment', async () => {
    fake.environment(api, 'production');
    fake.environment(web, 'staging');
    fake.deployment(api, 501, 'production');
    fake.deployment(web, 502, 'staging');
    fake.listRequests.length = 0;
    expect(await resync(ORG)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await ids('githubRepoEnvironment')).toEqual(['api-production', 'web-staging']);
    expect(await entity(catalog, 'githubRepoEnvironment', 'api-production')).toMatchObject({
      title: 'production',
      properties: { protectedBranches: false, url: expect.stringContaining('environments_filter=production') },
      relations: { repository: 'api' },
    });
    expect(await entity(catalog, 'githubDeployment', 'api-501')).toMatchObject({
      title: 'deploy-production',
      properties: { ref: 'topic-branch', sha: 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d', productionEnvironment: true },
      relations: { deployment_environment: 'api-production' },
    });
    // One list per repository and kind (.github, api, web).
    expect(fake.listRequests.filter((request) => request.endsWith('/deployments?per_page=100'))).toHaveLength(3);
  });

  test('deletes what GitHub no longer lists, but keeps what a refused list produced before', async () => {
    fake.remove('dependabot', api, 150);
    fake.remove('deployments', web, 502);
    fake.refuse('environments', api, 403, 'Resource not accessible by integration');
    fake.refuse(
      'code-scanning',
      ORG,
      403,
      'Advanced Security must be enabled for this repository to use code scanning.',
    );
    fake.remove('code-scanning', api, 7);
    warnings.length = 0;
    expect(await resync(ORG)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await ids('githubDependabotAlert')).not.toContain('api-150');
    expect(await ids('githubDeployment')).toEqual(['api-501']);
    // Refused: kept, and said so.
    expect(await ids('githubRepoEnvironment')).toEqual(['api-production', 'web-staging']);
    expect(await ids('githubCodeScanAlerts')).toEqual(['api-7']);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /environment of 1 repositories of sec-org \(api\) not read: GitHub answered 403: Resource not accessible by integration; .* kept/,
        ),
        expect.stringMatching(/code-scanning-alerts of sec-org not read: GitHub answered 403: Advanced Security/),
      ]),
    );
  });

  test('a user account has no organization lists: its alerts are read repository by repository', async () => {
    fake.dependabotAlert(mine, 5, 'open', 'critical');
    fake.refuse('secret-scanning', mine, 404, 'Secret scanning is disabled on this repository.');
    expect(await resync(USER)).toMatchObject({ state: 'completed', errors: 0 });
    expect(await ids('githubDependabotAlert')).toContain('mine-5');
    expect(fake.listRequests).toContainEqual(expect.stringMatching(/^\/repos\/sec-user\/mine\/dependabot\/alerts\?/));
    expect(fake.listRequests.some((request) => request.startsWith(`/orgs/${USER}/`))).toBe(false);
  });
});

describe('live events', () => {
  test('dependabot_alert: created writes the alert as GitHub answers it; fixed takes it out of states: [open]', async () => {
    fake.dependabotAlert(web, 20, 'open', 'critical');
    await deliver('dependabot_alert', payload('dependabot_alert', 'created', web));
    expect(await entity(catalog, 'githubDependabotAlert', 'web-20')).toMatchObject({
      // Read again over REST: the recorded payload's alert is of another package.
      properties: { state: 'open', severity: 'critical', packageName: 'ansible' },
      relations: { repository: 'web' },
    });
    fake.dependabotAlert(web, 20, 'fixed', 'critical');
    const fixed = payload('dependabot_alert', 'fixed', web);
    await deliver('dependabot_alert', { ...fixed, alert: { ...(fixed.alert as object), number: 20 } });
    expect(await entity(catalog, 'githubDependabotAlert', 'web-20')).toBeUndefined();
    // Reopened: back. Dismissed to a severity the selector does not take: gone.
    fake.dependabotAlert(web, 20, 'open', 'critical');
    await deliver('dependabot_alert', { ...payload('dependabot_alert', 'created', web), action: 'reopened' });
    expect(await entity(catalog, 'githubDependabotAlert', 'web-20')).toBeDefined();
    fake.dependabotAlert(web, 20, 'open', 'low');
    await deliver('dependabot_alert', { ...payload('dependabot_alert', 'created', web), action: 'reintroduced' });
    expect(await entity(catalog, 'githubDependabotAlert', 'web-20')).toBeUndefined();
  });

  test('code_scanning_alert: created and closed_by_user', async () => {
    const created = payload('code_scanning_alert', 'created', api);
    const number = (created.alert as { number: number }).number;
    fake.codeScanningAlert(api, number, 'open', 'critical');
    await deliver('code_scanning_alert', created);
    expect(await entity(catalog, 'githubCodeScanAlerts', `api-${number}`)).toMatchObject({
      properties: { state: 'open', severity: 'error' },
    });
    fake.codeScanningAlert(api, number, 'dismissed', 'critical');
    await deliver('code_scanning_alert', { ...created, action: 'closed_by_user' });
    expect(await entity(catalog, 'githubCodeScanAlerts', `api-${number}`)).toBeUndefined();
  });

  test('secret_scanning_alert: created without its secret; resolved leaves state: open; an alert GitHub no longer has is deleted', async () => {
    const event = (action: string, number: number) => ({
      action,
      alert: { number, secret_type: 'adafruit_io_key' },
      repository: repositoryObject(api),
      organization: { login: ORG },
      installation: { id: INSTALLATION },
    });
    fake.secretScanningAlert(api, 30, 'open', 'ghp_livesecret');
    await deliver('secret_scanning_alert', event('created', 30));
    const alert = await entity(catalog, 'githubSecretScanAlert', 'api-30');
    expect(alert).toMatchObject({ properties: { state: 'open' } });
    expect(alert!.properties.secret ?? null).toBeNull();
    fake.secretScanningAlert(api, 30, 'resolved');
    await deliver('secret_scanning_alert', event('resolved', 30));
    expect(await entity(catalog, 'githubSecretScanAlert', 'api-30')).toBeUndefined();
    fake.secretScanningAlert(api, 31, 'open');
    await deliver('secret_scanning_alert', event('created', 31));
    fake.remove('secret-scanning', api, 31);
    await deliver('secret_scanning_alert', event('reopened', 31));
    expect(await entity(catalog, 'githubSecretScanAlert', 'api-31')).toBeUndefined();
  });

  test('deployment created writes the deployment and refreshes its environment; deployment_status refreshes the deployment', async () => {
    const created = payload('deployment', 'created', web);
    const deployment = created.deployment as Record<string, unknown>;
    fake.environment(web, deployment.environment as string);
    fake.deployment(web, deployment.id as number, deployment.environment as string);
    await deliver('deployment', created);
    const identifier = `web-${String(deployment.id)}`;
    expect(await entity(catalog, 'githubDeployment', identifier)).toMatchObject({
      relations: { deployment_environment: `web-${String(deployment.environment)}` },
    });
    expect(await entity(catalog, 'githubRepoEnvironment', `web-${String(deployment.environment)}`)).toBeDefined();

    // The recorded deployment lacks fields of the REST answer: it was read again.
    expect((await entity(catalog, 'githubDeployment', identifier))?.properties.description).toBe(
      'Deploy request from hubot',
    );
    const status = payload('deployment_status', 'created', web);
    const whole = {
      ...(status.deployment as object),
      id: deployment.id,
      environment: deployment.environment,
      description: 'after status',
      transient_environment: false,
      production_environment: true,
    };
    await deliver('deployment_status', { ...status, deployment: whole });
    expect((await entity(catalog, 'githubDeployment', identifier))?.properties).toMatchObject({
      description: 'after status',
      productionEnvironment: true,
    });
  });
});
