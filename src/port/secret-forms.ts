/** A secret of one to three characters would mask half of every message; such a secret protects nothing anyway. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Every form in which a secret can reach a log: as written; escaped in JSON (a `"`, `\` or control character in
 * it, as a request body or a server's message quotes it), also with non-ASCII characters as `\uXXXX`; URL-encoded
 * (a path or query); and each line of a multi-line secret, since logs are masked line by line. Forms too short to
 * be worth masking are left out.
 */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const asciiJson = json.replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const lines = secret.split(/\r?\n|\r/);
  const forms = [secret, json, asciiJson, encodeURIComponent(secret), ...(lines.length > 1 ? lines : [])];
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}
