export { SessionStore, SESSION_LIFETIME_MS } from './session-store.ts';
export {
  SESSION_COOKIE,
  CSRF_COOKIE,
  cameOverHttps,
  consoleCookieOptions,
  sessionIdOf,
  setSessionCookie,
  clearConsoleCookies,
} from './session-cookie.ts';
