// Generated from action.yml by `npm run action:inputs`: edit action.yml, then run it. A test fails while the two
// disagree (__tests__/action/action-yml.test.ts).

/** An input action.yml declares. A type only: the settings parser's schema lists them, once, in the bundle. */
export type InputName =
  | 'baseUrl'
  | 'clientId'
  | 'clientSecret'
  | 'operation'
  | 'identifier'
  | 'title'
  | 'icon'
  | 'blueprint'
  | 'properties'
  | 'team'
  | 'relations'
  | 'runId'
  | 'entities'
  | 'query'
  | 'include'
  | 'link'
  | 'summary'
  | 'externalRunId'
  | 'status'
  | 'logMessage'
  | 'action'
  | 'delete_dependents'
  | 'createMissingRelatedEntities'
  | 'region'
  | 'statusLabel'
  | 'dryRun'
  | 'entitiesFile'
  | 'wait'
  | 'waitTimeout'
  | 'failOnRunFailure'
  | 'requestTimeout';

/** Those a workflow must give (`required: true`; the runner does not check it, the settings parser does). */
export const REQUIRED_INPUTS: readonly InputName[] = ['clientId', 'clientSecret'];

/**
 * What the runner passes for an input the workflow does not give. The settings parser falls back to it too: a
 * step run by hand is passed no defaults, and an input given as '' is as good as not given.
 */
export const INPUT_DEFAULTS: Readonly<Partial<Record<InputName, string>>> = {
  operation: 'UPSERT',
  delete_dependents: 'false',
  createMissingRelatedEntities: 'false',
  dryRun: 'false',
  wait: 'false',
  waitTimeout: '3600',
  failOnRunFailure: 'true',
  requestTimeout: '30',
};
