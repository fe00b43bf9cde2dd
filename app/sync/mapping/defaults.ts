/**
 * The built-in configuration, in force when neither the repository nor the organization has a
 * port-app-config.yml: every repository becomes a `service` entity, the blueprint the vendor's GitHub app also
 * creates on install.
 */
import type { BlueprintDefinition } from '../../../src/port/index.ts';
import { DEFAULT_ENTITY_DELETION_THRESHOLD, DEFAULT_SPEC_PATH, type PortAppConfig } from './config.ts';

/** Where GitHub looks for CODEOWNERS, in the order it looks. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

export const DEFAULT_PORT_APP_CONFIG: PortAppConfig = {
  deleteDependentEntities: false,
  createMissingRelatedEntities: true,
  // Merge, so that properties people set on a service by hand (an owner, a tier) survive every sync.
  enableMergeEntity: true,
  entityDeletionThreshold: DEFAULT_ENTITY_DELETION_THRESHOLD,
  specPath: [...DEFAULT_SPEC_PATH],
  repositoryType: 'all',
  resources: [
    {
      kind: 'repository',
      selector: { query: 'true', includedFiles: [...CODEOWNERS_PATHS] },
      port: {
        entity: {
          mappings: {
            identifier: '.name',
            title: '.name',
            blueprint: '"service"',
            properties: {
              url: '.html_url',
              description: '.description',
              language: '.language',
              defaultBranch: '.default_branch',
              visibility: 'if .visibility then .visibility elif .private then "private" else "public" end',
              topics: '.topics // []',
              archived: '.archived // false',
              readme: 'file://README.md',
              codeowners: CODEOWNERS_PATHS.map((path) => `.__includedFiles[${JSON.stringify(path)}]`).join(' // '),
              // Push events give epoch seconds where the REST API gives an ISO date.
              lastPush: '.pushed_at | if type == "number" then todate else . end',
            },
            relations: {},
          },
        },
      },
    },
  ],
};

/** The blueprint DEFAULT_PORT_APP_CONFIG writes to, created when the catalog does not have it. */
export const DEFAULT_SERVICE_BLUEPRINT: BlueprintDefinition = {
  identifier: 'service',
  title: 'Service',
  icon: 'Github',
  description: 'A GitHub repository, kept in step by wharf',
  schema: {
    properties: {
      url: { title: 'URL', type: 'string', format: 'url' },
      description: { title: 'Description', type: 'string' },
      language: { title: 'Language', type: 'string' },
      defaultBranch: { title: 'Default branch', type: 'string' },
      visibility: { title: 'Visibility', type: 'string', enum: ['public', 'private', 'internal'] },
      topics: { title: 'Topics', type: 'array', items: { type: 'string' } },
      archived: { title: 'Archived', type: 'boolean' },
      readme: { title: 'README', type: 'string', format: 'markdown' },
      codeowners: { title: 'CODEOWNERS', type: 'string' },
      lastPush: { title: 'Last push', type: 'string', format: 'date-time' },
    },
    required: [],
  },
  relations: {},
};
