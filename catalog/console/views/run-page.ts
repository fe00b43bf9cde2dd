import type { Run, RunLog } from '../../model.ts';
import { isEnded } from '../../operations/index.ts';
import { consolePaths } from '../paths.ts';
import { page } from './layout.ts';
import { renderMarkdown } from './markdown.ts';
import { markup, type SafeHtml } from './markup.ts';
import { cut, MAX_SHOWN_CHARS } from './property-value.ts';
import { runEntity, runTime, statusBadge } from './run-parts.ts';

/** A log line longer than this is cut, on the page and in the live stream: a run may log a megabyte at once. */
export const MAX_LOG_LINE_CHARS = 10_000;

export interface RunView {
  run: Run;
  /** The log lines shown, oldest first: those after `after`, at most a page of them. */
  logs: RunLog[];
  /** The line the page's log starts after (0: from the first). */
  after: number;
  /** Whether lines follow the last one shown. */
  moreLogs: boolean;
  csrfToken: string;
}

/** One run: what it is, where it stands, what it was given, and its log, kept up to date by run-live.js. */
export function runPage(view: RunView): SafeHtml {
  const { run } = view;
  const parts = runLiveParts(run);
  const live = !isEnded(run);
  return page({
    title: `${run.action.title} run`,
    csrfToken: view.csrfToken,
    crumbs: [{ label: 'Runs', href: consolePaths.runs }, { label: run.id }],
    scripts: ['run-live.js'],
    body: markup`<dl class="properties" id="run-details">
<dt>Status</dt><dd>${parts['run-status']}</dd>
<dt>Status label</dt><dd>${parts['run-status-label']}</dd>
<dt>Action</dt><dd>${run.action.title} <span class="muted">(${run.action.identifier})</span></dd>
<dt>Entity</dt><dd>${runEntity(run)}</dd>
<dt>Run id</dt><dd><code>${run.id}</code></dd>
${run.externalRunId !== null && markup`<dt>External run id</dt><dd><code>${run.externalRunId}</code></dd>`}
<dt>Started</dt><dd>${runTime(run.createdAt, 'unknown')} by ${run.createdBy}</dd>
<dt>Updated</dt><dd>${parts['run-updated']}</dd>
<dt>Ended</dt><dd>${parts['run-ended']}</dd>
</dl>
${
  live &&
  markup`<p id="run-reload">The run is in progress: <a href="${consolePaths.run(run.id)}">Reload</a> to see what changed since this page was loaded.</p>
<p id="run-live-note" role="status" hidden>This page follows the run as it goes.</p>`
}
<section aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
${parts['run-summary']}
</section>
<section aria-labelledby="links-heading">
<h2 id="links-heading">Links</h2>
${parts['run-links']}
</section>
<section aria-labelledby="inputs-heading">
<h2 id="inputs-heading">Inputs</h2>
${inputs(run)}
</section>
<section aria-labelledby="log-heading">
<h2 id="log-heading">Log</h2>
${logSection(view, live)}
</section>`,
  });
}

/**
 * The parts of the run page that change while it runs, each one element with its id: the page is made of them, and
 * the live stream sends them again when the run changes, for run-live.js to put in place of the old ones.
 */
export function runLiveParts(run: Run): Record<string, SafeHtml> {
  return {
    'run-status': statusBadge(run.status, 'run-status'),
    'run-status-label': markup`<span id="run-status-label">${run.statusLabel ?? markup`<span class="muted">none</span>`}</span>`,
    'run-updated': markup`<span id="run-updated">${runTime(run.updatedAt, 'never')} by ${run.updatedBy}</span>`,
    'run-ended': markup`<span id="run-ended">${runTime(run.endedAt, 'not yet')}</span>`,
    'run-summary': markup`<div id="run-summary">${run.summary ? renderMarkdown(run.summary) : markup`<p class="muted">No summary.</p>`}</div>`,
    'run-links': markup`<div id="run-links">${runLinks(run.link)}</div>`,
  };
}

/** Each link of the run; only an http(s) URL is made a link, anything else (javascript:, data:) stays text. */
function runLinks(links: string[]): SafeHtml {
  if (links.length === 0) return markup`<p class="muted">No link.</p>`;
  return markup`<ul class="run-links">${links.map((link) => {
    const url = URL.parse(link);
    const followable = url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
    return followable
      ? markup`<li><a href="${url.href}" rel="noopener noreferrer">${cut(link, 2_000)}</a></li>`
      : markup`<li>${cut(link, 2_000)} <span class="muted">(not a web address)</span></li>`;
  })}</ul>`;
}

/** What the run was given, each value as sent: text as text, anything else as JSON. */
function inputs(run: Run): SafeHtml {
  const entries = Object.entries(run.properties);
  if (entries.length === 0) return markup`<p class="muted">The run was given no inputs.</p>`;
  return markup`<dl class="properties" id="run-inputs">${entries.map(
    ([name, value]) => markup`<dt>${name}</dt>
<dd>${typeof value === 'string' ? markup`<span class="input-text">${cut(value, MAX_SHOWN_CHARS)}</span>` : markup`<code>${cut(JSON.stringify(value) ?? 'null', MAX_SHOWN_CHARS)}</code>`}</dd>`,
  )}</dl>`;
}

function logSection(view: RunView, live: boolean): SafeHtml {
  const { run, logs } = view;
  const lastId = logs.at(-1)?.id ?? String(view.after);
  // The stream starts after the last line shown; with more lines waiting, it sends them first.
  const stream = live ? markup` data-events-url="${consolePaths.runEvents(run.id)}" data-last-log-id="${lastId}"` : '';
  return markup`<div id="run-log" class="run-log" role="log" aria-live="polite" aria-labelledby="log-heading"${stream}>
${view.after > 0 && markup`<p><a href="${consolePaths.run(run.id)}">From the first line</a></p>`}
<ol id="run-log-lines">${logs.map(logLine)}</ol>
${logs.length === 0 && markup`<p id="run-log-empty" class="muted">${view.after > 0 ? 'No line after this point.' : 'No log line yet.'}</p>`}
</div>
${view.moreLogs && markup`<nav class="pager" aria-label="Log pages"><a href="${consolePaths.run(run.id)}?after=${lastId}" rel="next">Later lines</a></nav>`}`;
}

/** A log line as run-live.js also builds it: its time, then its message as written (line breaks kept). */
function logLine(log: RunLog): SafeHtml {
  return markup`<li data-log-id="${log.id}"><time datetime="${log.createdAt}">${log.createdAt}</time> <span class="log-message">${cut(log.message, MAX_LOG_LINE_CHARS)}</span></li>`;
}
