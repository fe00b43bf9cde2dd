import type { BlueprintProperty } from '../../model.ts';
import { markup, type SafeHtml } from './markup.ts';
import { markdownText, renderMarkdown } from './markdown.ts';

/** A table cell shows the start of a long value; the entity page shows it whole (up to MAX_SHOWN_CHARS). */
const CELL_CHARS = 120;
/** Past this, even the entity page cuts a value and says how much it left out. */
export const MAX_SHOWN_CHARS = 100_000;

/** Where a value is shown: a cell of the entity table, or the entity's own page. */
export type ValueView = 'cell' | 'page';

type ValueSchema = Pick<BlueprintProperty, 'type' | 'format' | 'enum' | 'items'>;

/**
 * A property's value shown by its format: markdown rendered and sanitized, URLs as links (http and https only),
 * dates as <time> (written in the reader's time zone by the console's script), enum values as labels, lists as
 * lists, objects as JSON. Every text is escaped.
 */
export function propertyValue(value: unknown, property: ValueSchema | undefined, view: ValueView): SafeHtml {
  if (value === null || value === undefined) return markup`<span class="muted">not set</span>`;
  if (Array.isArray(value)) {
    const items = value.slice(0, view === 'cell' ? 10 : 1000);
    const itemSchema = property?.items as ValueSchema | undefined;
    const more = value.length - items.length;
    const rest = more > 0 ? markup` <span class="muted">and ${more} more</span>` : '';
    if (view === 'cell') {
      return markup`${items.map((item, index) => markup`${index > 0 ? ', ' : ''}${scalar(item, itemSchema, view)}`)}${rest}`;
    }
    return markup`<ul class="values">${items.map((item) => markup`<li>${scalar(item, itemSchema, view)}</li>`)}</ul>${rest}`;
  }
  return scalar(value, property, view);
}

function scalar(value: unknown, property: ValueSchema | undefined, view: ValueView): SafeHtml {
  if (value === null || value === undefined) return markup`<span class="muted">not set</span>`;
  if (property?.enum?.some((option) => option === value)) return markup`<span class="label">${String(value)}</span>`;
  if (typeof value === 'boolean') return markup`${value ? 'Yes' : 'No'}`;
  if (typeof value === 'number') return markup`${String(value)}`;
  if (
    property?.format === 'labeled-url' &&
    typeof value === 'object' &&
    typeof (value as { url?: unknown }).url === 'string'
  ) {
    const { url, displayText } = value as { url: string; displayText?: unknown };
    return link(url, typeof displayText === 'string' && displayText !== '' ? displayText : url, view);
  }
  if (typeof value === 'object') {
    const json = JSON.stringify(value, null, view === 'cell' ? undefined : 2);
    return view === 'cell'
      ? markup`<code>${cut(json, CELL_CHARS)}</code>`
      : markup`<pre>${cut(json, MAX_SHOWN_CHARS)}</pre>`;
  }
  const text = String(value);
  switch (property?.format) {
    case 'markdown':
      return view === 'cell' ? markup`${cut(markdownText(text), CELL_CHARS)}` : renderMarkdown(text);
    case 'url':
      return link(text, text, view);
    case 'date-time':
    case 'date':
      return Number.isNaN(Date.parse(text))
        ? markup`${cut(text, CELL_CHARS)}`
        : markup`<time datetime="${text}">${text}</time>`;
    default:
      if (view === 'cell') return markup`${cut(text, CELL_CHARS)}`;
      return text.length > CELL_CHARS || text.includes('\n')
        ? markup`<div class="long-text">${cut(text, MAX_SHOWN_CHARS)}</div>`
        : markup`${text}`;
  }
}

/** A link only to http(s): any other scheme (javascript:, data:) is shown as text, never made clickable. */
function link(href: string, text: string, view: ValueView): SafeHtml {
  const shown = cut(text, view === 'cell' ? CELL_CHARS : MAX_SHOWN_CHARS);
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return markup`${shown}`;
  return markup`<a href="${url.href}" rel="noopener noreferrer nofollow">${shown}</a>`;
}

/** The start of a long text, saying how much is left out. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${(text.length - max).toLocaleString('en-US')} more characters)`;
}
