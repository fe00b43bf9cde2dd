import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { ConsoleBrowser, csrfTokenOf, textOf } from './console-browser.ts';

let catalog: TestCatalog;

beforeAll(async () => {
  catalog = await startTestCatalog();
});

afterAll(async () => {
  await catalog.close();
});

describe('console sign-in', () => {
  test('without a session a page sends to the sign-in page, and a post is refused', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    const page = await browser.get('/console/blueprints');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/sign-in?next=%2Fconsole%2Fblueprints');
    const unknown = await browser.get('/console/no-such-page');
    expect(unknown.status).toBe(303);
    const post = await browser.post('/console/sign-out', {});
    expect(post.status).toBe(401);
    expect(post.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('a wrong secret is refused with a message, and the form keeps the client id', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    const answer = await browser.signIn({ clientId: catalog.credentials.clientId, clientSecret: 'wrong' });
    expect(answer.status).toBe(401);
    expect(textOf(answer.html)).toContain('The client id or the client secret is wrong.');
    expect(answer.html).toContain(`value="${catalog.credentials.clientId}"`);
    expect(browser.cookies.has('wharf_console_session')).toBe(false);
    expect((await browser.get('/console/blueprints')).status).toBe(303);
  });

  test('a form with repeated or missing fields is a wrong sign-in, not a failure', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    const form = await browser.get('/console/sign-in');
    const answer = await browser.post(
      '/console/sign-in',
      `_csrf=${encodeURIComponent(csrfTokenOf(form.html))}&clientId=a&clientId=b`,
    );
    expect(answer.status).toBe(401);
    expect(textOf(answer.html)).toContain('The client id or the client secret is wrong.');
  });

  test('a form without its CSRF token is refused', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    await browser.get('/console/sign-in');
    const answer = await browser.post('/console/sign-in', { ...catalog.credentials, _csrf: 'forged' });
    expect(answer.status).toBe(403);
    expect(browser.cookies.has('wharf_console_session')).toBe(false);
  });

  test('signing in sets an HttpOnly, SameSite=Strict, expiring cookie for /console and opens the page asked for', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    const answer = await browser.signIn(catalog.credentials, '/console/blueprints?x=1');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console/blueprints?x=1');
    const line = browser.setCookieLines.find((cookie) => cookie.startsWith('wharf_console_session='))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Strict/);
    expect(line).toMatch(/; Path=\/console/);
    expect(line).toMatch(/; Max-Age=\d+/);
    expect(line).not.toMatch(/; Secure/);
    // Signed: the value carries its signature after a dot.
    expect(browser.cookies.get('wharf_console_session')).toMatch(/\.[^.]+$/);
    const page = await browser.get('/console/blueprints');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  test('only a console path is opened after signing in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/v1/blueprints', '/console/../v1']) {
      const browser = new ConsoleBrowser(catalog.url);
      const answer = await browser.signIn(catalog.credentials, next);
      expect(answer.location).toBe('/console/blueprints');
    }
  });

  test('a cookie not signed by the server is no session', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    browser.cookies.set('wharf_console_session', 'made-up');
    expect((await browser.get('/console/blueprints')).status).toBe(303);
  });

  test('signing out needs the CSRF token of its form', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    await browser.signIn(catalog.credentials);
    const refused = await browser.post('/console/sign-out', { _csrf: 'forged' });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('The form was not sent by a page of this console, or it expired');
    expect((await browser.get('/console/blueprints')).status).toBe(200);
  });

  test('signing out ends the session, even for a copy of its cookie', async () => {
    const browser = new ConsoleBrowser(catalog.url);
    await browser.signIn(catalog.credentials);
    const copy = browser.cookies.get('wharf_console_session')!;
    const page = await browser.get('/console/blueprints');
    const out = await browser.post('/console/sign-out', { _csrf: csrfTokenOf(page.html) });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/console/sign-in?signedOut');
    expect(browser.cookies.has('wharf_console_session')).toBe(false);
    expect(textOf((await browser.get('/console/sign-in?signedOut')).html)).toContain('You are signed out.');
    expect((await browser.get('/console/blueprints')).status).toBe(303);
    const thief = new ConsoleBrowser(catalog.url);
    thief.cookies.set('wharf_console_session', copy);
    expect((await thief.get('/console/blueprints')).status).toBe(303);
  });

  test('failed sign-ins are limited per address like the token route', async () => {
    // A catalog of its own: the other tests' failures from this address do not count.
    const fresh = await startTestCatalog();
    const browser = new ConsoleBrowser(fresh.url);
    const statuses: number[] = [];
    // Ten failures a minute per address, then refused before the credentials are compared.
    for (let attempt = 0; attempt < 11; attempt += 1) {
      statuses.push((await browser.signIn({ clientId: 'x', clientSecret: 'y' })).status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const limited = await browser.signIn(fresh.credentials);
    await fresh.close();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(textOf(limited.html)).toMatch(/Too many failed sign-ins from this address: try again in \d+ s\./);
  });

  test('the token route and the console count one allowance of failures per address, not one each', async () => {
    const fresh = await startTestCatalog();
    try {
      const tokenAttempt = async (clientSecret: string) =>
        (
          await fetch(`${fresh.url}/v1/auth/access_token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ clientId: fresh.credentials.clientId, clientSecret }),
          })
        ).status;
      const browser = new ConsoleBrowser(fresh.url);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) statuses.push(await tokenAttempt('wrong'));
      for (let attempt = 0; attempt < 5; attempt += 1) {
        statuses.push((await browser.signIn({ clientId: 'x', clientSecret: 'y' })).status);
      }
      expect(statuses).toEqual(Array(10).fill(401));
      // The eleventh, on either route, is refused before the credentials are compared, right ones included.
      expect((await browser.signIn(fresh.credentials)).status).toBe(429);
      expect(await tokenAttempt(fresh.credentials.clientSecret)).toBe(429);
    } finally {
      await fresh.close();
    }
  });
});
