export { AppStore, APP_DATABASE_FILE, type LinkedRun, type InvocationState } from './app-store.ts';
