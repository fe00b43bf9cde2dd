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
