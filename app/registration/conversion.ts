/** The last step of the manifest flow: the code GitHub's redirect carries, exchanged for the App's credentials. */
import { z } from 'zod';
import { parseJson } from '../../src/json/index.ts';
import { githubFetch } from '../github/github-fetch.ts';

const conversionSchema = z.looseObject({
  id: z.number().int().positive(),
  slug: z.string().min(1),
  name: z.string().optional(),
  html_url: z.string().optional(),
  owner: z.looseObject({ login: z.string() }).nullable().optional(),
  pem: z.string().min(1),
  webhook_secret: z.string().min(1),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export type Conversion = z.infer<typeof conversionSchema>;

export type ConversionOutcome = { ok: true; app: Conversion } | { ok: false; status: number; problem: string };

/**
 * `POST /app-manifests/{code}/conversions` on `api`; the problem, when it fails, in words for the setup page. The
 * call goes through the App's GitHub fetch, with its time limit and its bound on the answer.
 */
export async function convertManifestCode(
  api: string,
  code: string,
  fetchImpl: typeof fetch = githubFetch(),
): Promise<ConversionOutcome> {
  const url = `${api}/app-manifests/${encodeURIComponent(code)}/conversions`;
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    });
    text = await response.text();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, status: 502, problem: `GitHub could not be reached at ${api} (${reason}). Try again.` };
  }
  const message = (): string => {
    try {
      const body = parseJson(text) as { message?: unknown };
      return typeof body.message === 'string' ? `: ${body.message.slice(0, 300)}` : '';
    } catch {
      return '';
    }
  };
  if (response.status === 404 || response.status === 422) {
    return {
      ok: false,
      status: 400,
      problem:
        `GitHub does not know this registration's code (${response.status}${message()}). Codes work once and ` +
        'expire an hour after the App is created: if the App was created, delete it on GitHub, then register ' +
        'again from /setup.',
    };
  }
  if (!response.ok) {
    return { ok: false, status: 502, problem: `GitHub answered ${response.status}${message()}. Try again.` };
  }
  let parsed: ReturnType<typeof conversionSchema.safeParse>;
  try {
    parsed = conversionSchema.safeParse(parseJson(text));
  } catch {
    return { ok: false, status: 502, problem: "GitHub's answer is not JSON." };
  }
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    return { ok: false, status: 502, problem: `GitHub's answer lacks what the App needs (${fields}).` };
  }
  return { ok: true, app: parsed.data };
}
