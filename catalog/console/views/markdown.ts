import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { markup, type SafeHtml, trusted } from './markup.ts';

/** Longer markdown is shown as text: rendering a megabyte for one page is not worth a person's wait. */
export const MAX_RENDERED_MARKDOWN_CHARS = 100_000;

const markdown = new Marked({ gfm: true, async: false });

/** Landmarks and top-level headings belong to the page, not to a property's text: they are left out or lowered. */
const LEFT_OUT = new Set(['main', 'nav', 'header', 'footer', 'aside', 'article', 'section', 'hgroup', 'menu']);

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: sanitizeHtml.defaults.allowedTags.filter((tag) => !LEFT_OUT.has(tag)),
  allowedAttributes: { a: ['href', 'title', 'rel'], code: ['class'], time: ['datetime'] },
  // Only links a person can follow safely: no javascript:, data:, vbscript: or relative-to-protocol URLs.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    h3: 'h5',
    h4: 'h6',
    h5: 'h6',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};

/** Markdown as sanitized HTML; anything that could run a script or leave the page's structure is dropped. */
export function renderMarkdown(source: string): SafeHtml {
  if (source.length > MAX_RENDERED_MARKDOWN_CHARS) {
    return markup`<p class="muted">Too long to render (${source.length.toLocaleString('en-US')} characters); shown as
text.</p><div class="long-text">${source.slice(0, MAX_RENDERED_MARKDOWN_CHARS)}</div>`;
  }
  const rendered = markdown.parse(source) as string;
  return markup`<div class="markdown">${trusted(sanitizeHtml(rendered, SANITIZE))}</div>`;
}

/** Markdown read for a preview: only its start is rendered, the markup dropped, its text kept. */
const PREVIEW_SOURCE_CHARS = 2_000;

/** The sanitizer's output escapes only these; they are turned back into the characters they stand for. */
const ESCAPED: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The text a person reads in a markdown value, without its markup (for a table cell): `**Storefront** is` reads
 * `Storefront is`. The result is plain text, to be escaped like any other.
 */
export function markdownText(source: string): string {
  const rendered = markdown.parse(source.slice(0, PREVIEW_SOURCE_CHARS)) as string;
  const text = sanitizeHtml(rendered, { allowedTags: [], allowedAttributes: {} });
  return text
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ESCAPED[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}
