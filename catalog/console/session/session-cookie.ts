import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_PATH } from '../paths.ts';

export const SESSION_COOKIE = 'wharf_console_session';
export const CSRF_COOKIE = 'wharf_console_csrf';

/** Secure only when the request came over HTTPS: on http://localhost a Secure cookie would never be sent back. */
export function cameOverHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** The attributes of every console cookie: the browser sends it to the console alone, never cross-site. */
export function consoleCookieOptions(request: FastifyRequest) {
  return {
    path: CONSOLE_PATH,
    httpOnly: true,
    sameSite: 'strict' as const,
    signed: true,
    secure: cameOverHttps(request),
  };
}

/** The session id of a request, when its cookie carries one this process signed. */
export function sessionIdOf(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = reply.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { id: string; expiresAt: number },
): void {
  void reply.setCookie(SESSION_COOKIE, session.id, {
    ...consoleCookieOptions(request),
    expires: new Date(session.expiresAt),
    maxAge: Math.floor((session.expiresAt - Date.now()) / 1000),
  });
}

/** Drops the session cookie and the CSRF secret, so the next sign-in starts from nothing. */
export function clearConsoleCookies(request: FastifyRequest, reply: FastifyReply): void {
  const options = consoleCookieOptions(request);
  void reply.clearCookie(SESSION_COOKIE, options);
  void reply.clearCookie(CSRF_COOKIE, options);
}
