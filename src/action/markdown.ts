/** Small pieces of GitHub-flavoured Markdown for the job summary; text from the catalog is escaped. */

/** Inline code; a value with backticks gets a longer fence, as Markdown asks. */
export function code(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return text.includes('`') ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** `text` as a link when there is a URL, as inline code otherwise. */
export function linked(text: string, url: string | undefined): string {
  return url ? `[${code(text)}](${url})` : code(text);
}

/** A table cell: pipes escaped, lines joined. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A value for a table: strings as they are, anything else as compact JSON, cut to `max` characters. */
export function shortValue(value: unknown, max = 80): string {
  const text = value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
