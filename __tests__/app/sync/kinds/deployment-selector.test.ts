/** The deployment selector's `task` and `environment`: GitHub's own filters, applied to live deployments too. */
import { expect, test } from '@jest/globals';
import { deployments } from '../../../../app/sync/kinds/deployment.ts';
import { parsePortAppConfig, type SelectorOf } from '../../../../app/sync/mapping/index.ts';

test('task and environment select the deployments a resource maps', async () => {
  const config = await parsePortAppConfig(
    [
      'resources:',
      '  - kind: deployment',
      '    selector: {query: "true", environment: production, task: deploy}',
      `    port: {entity: {mappings: {identifier: '.id | tostring', blueprint: '"githubDeployment"'}}}`,
    ].join('\n'),
    'acme/.github:.github/port-app-config.yml',
  );
  const selector = config.resources[0]!.selector as SelectorOf<'deployment'>;
  expect(selector).toEqual({ query: 'true', environment: 'production', task: 'deploy' });
  const now = Date.now();
  expect(deployments.selects!(selector, { id: 1, task: 'deploy', environment: 'production' }, now)).toBe(true);
  expect(deployments.selects!(selector, { id: 2, task: 'deploy', environment: 'staging' }, now)).toBe(false);
  expect(deployments.selects!(selector, { id: 3, task: 'deploy:migrations', environment: 'production' }, now)).toBe(
    false,
  );
  // Without them, every deployment.
  expect(deployments.selects!({ query: 'true' }, { id: 4, task: 'x', environment: 'y' }, now)).toBe(true);
});
