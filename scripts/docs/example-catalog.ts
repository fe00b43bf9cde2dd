/**
 * A small catalog as a platform team would describe its software: domains own teams' services, deployments put a
 * service in an environment. It has what the console shows by format (markdown, urls, dates, enums) and relations
 * both ways, so that the README's screenshots show each of them.
 */

interface Blueprint {
  identifier: string;
  title: string;
  schema: { properties: Record<string, Record<string, unknown>>; required?: string[] };
  relations?: Record<string, { title: string; target: string; required: boolean; many: boolean }>;
}

interface Entity {
  identifier: string;
  title: string;
  properties?: Record<string, unknown>;
  relations?: Record<string, string | string[]>;
}

/** Blueprints in the order they can be created: a relation's target first. */
export const EXAMPLE_BLUEPRINTS: Blueprint[] = [
  {
    identifier: 'domain',
    title: 'Domain',
    schema: { properties: { description: { title: 'Description', type: 'string' } } },
  },
  {
    identifier: 'team',
    title: 'Team',
    schema: {
      properties: {
        slack: { title: 'Slack channel', type: 'string', format: 'url' },
        size: { title: 'Size', type: 'number' },
      },
    },
    relations: { domain: { title: 'Domain', target: 'domain', required: false, many: false } },
  },
  {
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: {
        readme: { title: 'README', type: 'string', format: 'markdown' },
        repository: { title: 'Repository', type: 'string', format: 'url' },
        language: { title: 'Language', type: 'string', enum: ['Go', 'TypeScript', 'Python', 'Rust'] },
        lifecycle: { title: 'Lifecycle', type: 'string', enum: ['Production', 'Staging', 'Deprecated'] },
        lastDeployed: { title: 'Last deployed', type: 'string', format: 'date-time' },
      },
      required: ['lifecycle'],
    },
    relations: { team: { title: 'Team', target: 'team', required: true, many: false } },
  },
  {
    identifier: 'deployment',
    title: 'Deployment',
    schema: {
      properties: {
        environment: { title: 'Environment', type: 'string', enum: ['production', 'staging'] },
        version: { title: 'Version', type: 'string' },
      },
    },
    relations: { service: { title: 'Service', target: 'service', required: true, many: false } },
  },
];

type Service = [identifier: string, title: string, team: string, language: string, lifecycle: string, does: string];

const SERVICES: Service[] = [
  ['admin-panel', 'Admin panel', 'web', 'TypeScript', 'Deprecated', 'edits the catalogue'],
  ['billing', 'Billing', 'payments', 'Go', 'Production', 'sends the invoices'],
  ['checkout', 'Checkout', 'payments', 'Go', 'Production', 'takes the orders'],
  ['ledger', 'Ledger', 'payments', 'Rust', 'Staging', 'keeps the accounts'],
  ['recommendations', 'Recommendations', 'discovery', 'Python', 'Staging', 'suggests products'],
  ['search', 'Search', 'discovery', 'Rust', 'Production', 'finds products'],
  ['storefront', 'Storefront', 'web', 'TypeScript', 'Production', 'is what shoppers see'],
];

/** Entities per blueprint, in the blueprints' order. */
export const EXAMPLE_ENTITIES: Record<string, Entity[]> = {
  domain: [
    { identifier: 'commerce', title: 'Commerce', properties: { description: 'Taking orders and payments' } },
    { identifier: 'experience', title: 'Experience', properties: { description: 'What shoppers see' } },
  ],
  team: [
    team('payments', 'Payments', 'commerce', 6),
    team('discovery', 'Discovery', 'experience', 4),
    team('web', 'Web', 'experience', 5),
  ],
  service: SERVICES.map(([identifier, title, owner, language, lifecycle, does], index) => ({
    identifier,
    title,
    properties: {
      readme: readme(title, owner, does),
      repository: `https://github.com/example-org/${identifier}`,
      language,
      lifecycle,
      lastDeployed: new Date(Date.UTC(2026, 10, 20 + index, 9 + index, 30)).toISOString(),
    },
    relations: { team: owner },
  })),
  deployment: SERVICES.filter(([, , , , lifecycle]) => lifecycle !== 'Deprecated').flatMap(([identifier, title]) =>
    (['production', 'staging'] as const).map((environment) => ({
      identifier: `${identifier}-${environment}`,
      title: `${title} in ${environment}`,
      properties: { environment, version: environment === 'production' ? '2.4.1' : '2.5.0-rc.1' },
      relations: { service: identifier },
    })),
  ),
};

function team(identifier: string, title: string, domain: string, size: number): Entity {
  return {
    identifier,
    title,
    properties: { slack: `https://example-org.slack.com/channels/${identifier}`, size },
    relations: { domain },
  };
}

/** Short, as the table shows the start of a markdown text as it is written; the entity page renders it. */
function readme(title: string, team: string, does: string): string {
  return [`**${title}** ${does}.`, '', `- On call: _#${team}-oncall_`, '- Deployed on every merge to `main`'].join(
    '\n',
  );
}

/** Self-service actions of the example catalog; the screenshot script points their webhook at a local receiver. */
export function exampleActions(webhookUrl: string): Record<string, unknown>[] {
  const invocationMethod = { type: 'WEBHOOK', url: webhookUrl, body: { runId: '{{ .run.id }}' } };
  return [
    {
      identifier: 'scaffold_service',
      title: 'Scaffold a service',
      description: 'Creates a repository from the team’s template and registers the service.',
      trigger: {
        type: 'self-service',
        operation: 'CREATE',
        blueprintIdentifier: 'service',
        userInputs: {
          properties: {
            name: { title: 'Name', type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'The repository’s name' },
            language: { title: 'Language', type: 'string', enum: ['Go', 'TypeScript', 'Python', 'Rust'] },
            team: { title: 'Team', type: 'string', format: 'entity', blueprint: 'team' },
            private: { title: 'Private repository', type: 'boolean', default: true },
            replicas: { title: 'Replicas', type: 'number', minimum: 1, maximum: 10, default: 2 },
            notes: { title: 'Notes for the reviewers', type: 'string', format: 'multi-line' },
          },
          required: ['name', 'language', 'team'],
        },
      },
      invocationMethod,
    },
    {
      identifier: 'deploy',
      title: 'Deploy',
      description: 'Deploys a version of the service to an environment.',
      trigger: {
        type: 'self-service',
        operation: 'DAY-2',
        blueprintIdentifier: 'service',
        userInputs: {
          properties: {
            environment: { title: 'Environment', type: 'string', enum: ['production', 'staging'], default: 'staging' },
            version: { title: 'Version', type: 'string' },
          },
          required: ['environment', 'version'],
        },
      },
      invocationMethod,
    },
  ];
}
