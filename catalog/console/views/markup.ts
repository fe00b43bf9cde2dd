import { escapeHtml } from '../../../src/html/index.ts';

/** Markup already made safe (escaped or sanitized): interpolated as is, never escaped twice. */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: text (escaped), safe markup, lists of both, and nothing (null, undefined, false). */
export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/**
 * An HTML template whose every interpolation is escaped unless it is SafeHtml: a page is written as markup with
 * holes, and a value from the catalog cannot open a tag or leave an attribute's quotes. Named `markup` rather than
 * `html` so that prettier leaves the markup as written (it reformats templates tagged `html`, whitespace included,
 * which matters in pre-wrap blocks).
 */
export function markup(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(text);
}

/** Sanitized or generated markup from a trusted producer (e.g. sanitize-html's output). */
export function trusted(text: string): SafeHtml {
  return new SafeHtml(text);
}
