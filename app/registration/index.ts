export { setupRoute, type SetupRouteOptions } from './setup-route.ts';
export { appManifest, githubHosts, installUrl, SETUP_PATH, CALLBACK_PATH, type AppManifest } from './manifest.ts';
export {
  githubAppEnv,
  probotFromEnv,
  readStoredApp,
  storeApp,
  STORED_APP_FILE,
  type GithubAppEnv,
  type StoredApp,
} from './stored-app.ts';
export { convertManifestCode } from './conversion.ts';
