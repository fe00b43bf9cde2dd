/** A person's browser, as far as the console needs one: cookies kept per name, forms posted with their CSRF token. */
export interface ConsolePage {
  status: number;
  headers: Headers;
  html: string;
  /** The Location of a redirect, relative to the server. */
  location: string | null;
}

export class ConsoleBrowser {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie line received, to check the cookies' attributes. */
  readonly setCookieLines: string[] = [];

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async get(path: string): Promise<ConsolePage> {
    return this.request('GET', path);
  }

  /** Posts a form as a browser does (urlencoded), with the fields given (or a body already encoded). */
  async post(path: string, fields: Record<string, string> | string): Promise<ConsolePage> {
    return this.request('POST', path, typeof fields === 'string' ? fields : new URLSearchParams(fields).toString());
  }

  /** Opens the sign-in page and signs in; answers the response to the form's post. */
  async signIn(credentials: { clientId: string; clientSecret: string }, next?: string): Promise<ConsolePage> {
    const form = await this.get(`/console/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    return this.post('/console/sign-in', {
      _csrf: csrfTokenOf(form.html),
      next: hiddenValue(form.html, 'next'),
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    });
  }

  private async request(method: string, path: string, body?: string): Promise<ConsolePage> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.keep(line);
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: response.headers.get('location'),
    };
  }

  private keep(line: string): void {
    this.setCookieLines.push(line);
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const [name, ...value] = pair!.split('=');
    const expired = attributes.some(
      (attribute) =>
        /^max-age=0$/i.test(attribute) ||
        (/^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) <= Date.now()),
    );
    if (expired) this.cookies.delete(name!);
    else this.cookies.set(name!, value.join('='));
  }
}

/** The value of the hidden `_csrf` field of the first form of a page. */
export function csrfTokenOf(html: string): string {
  return hiddenValue(html, '_csrf');
}

export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"\\s*/?>`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in the page:\n${html.slice(0, 2000)}`);
  return decodeEntities(match[1]!);
}

/** The text of HTML with its tags removed and its entities decoded, for assertions on what a person reads. */
export function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

export function decodeEntities(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}
