export { WharfApp, WEBHOOKS_PATH, DEFAULT_OUTBOX, type WharfAppOptions, type OutboxSettings } from './wharf-app.ts';
export { INVOCATIONS_PATH } from './dispatch/invocation-route.ts';
export { parseAllowedWorkflows } from './dispatch/allowed-workflows.ts';
export { externalRunIdOf } from './dispatch/dispatcher.ts';
export { APP_STATE_FILE } from './state/index.ts';
export { githubFetch } from './github/github-fetch.ts';
export {
  setupRoute,
  githubAppEnv,
  probotFromEnv,
  readStoredApp,
  STORED_APP_FILE,
  SETUP_PATH,
  type StoredApp,
} from './registration/index.ts';
