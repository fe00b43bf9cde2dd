import { CONSOLE_PATH } from '../../catalog/index.ts';
import { escapeHtml } from '../../src/html/index.ts';
import type { DatabaseCheck, InstallationStatus, OutboxStatus, StatusReport } from './status-report.ts';

/** A link to an http(s) URL or a path of this server; anything else is shown as text. */
function link(href: string, text: string): string {
  return /^(https?:\/\/|\/(?!\/))/i.test(href)
    ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
    : escapeHtml(text);
}

function appStateSection(check: DatabaseCheck): string {
  return check.ok
    ? `<p class="good">The App's database, ${escapeHtml(check.name)}: ${escapeHtml(check.detail)}.</p>`
    : `<p class="bad">The App's database, ${escapeHtml(check.name)}, is not ready: ${escapeHtml(check.detail)}. ` +
        'Webhooks, invocations and integration actions fail until it answers (/readyz answers 503).</p>';
}

function outbox(name: string, status: OutboxStatus | null): string {
  if (!status) return '';
  const oldest =
    status.oldest === null
      ? 'empty'
      : `oldest entry ${escapeHtml(status.oldest)} (${escapeHtml(status.oldestAgeSeconds)} s ago)`;
  return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(status.depth)}</td><td>${oldest}</td></tr>`;
}

function resync(installation: InstallationStatus): string {
  const last = installation.lastResync;
  if (!last) return '<td colspan="3">no resync yet</td>';
  const { graphql, rest, points } = last.github;
  // A finished resync's message says what it cost on GitHub; one under way shows it so far.
  const usage = last.state === 'running' ? `; GitHub so far: ${graphql + rest} requests, ${points} points` : '';
  const counts = `${last.repositories} repositories, ${last.entities} entities, ${last.errors} errors, ${last.deleted} deleted${usage}`;
  const when = last.endedAt ? `ended ${last.endedAt}` : `started ${last.startedAt}`;
  return (
    `<td class="${last.state === 'failed' ? 'bad' : last.state === 'completed' ? 'good' : ''}">${escapeHtml(last.state)}` +
    ` (${escapeHtml(last.reason)})</td><td>${escapeHtml(when)}</td>` +
    `<td>${escapeHtml(counts)}${last.message ? `: ${escapeHtml(last.message)}` : ''}</td>`
  );
}

function appSection(app: StatusReport['app']): string {
  if (!app.on) {
    const missing = app.missing.length
      ? `it needs ${app.missing.map((name) => `<code>${escapeHtml(name)}</code>`).join(', ')}`
      : 'no GitHub App credentials were given to this server';
    return (
      `<p class="bad">Off: ${missing}. Without it, workflows are not dispatched for self-service actions, their runs ` +
      `are not reported, and repositories are not synced.</p>` +
      `<p>${link(app.register, 'Register the GitHub App')} (GitHub's manifest flow: wharf keeps the credentials in ` +
      `its data directory and turns the App on).</p>`
    );
  }
  const github = app.github.authenticates
    ? `<p class="good">On: GitHub accepts the App${app.github.slug ? ` ${link(app.github.htmlUrl ?? '', app.github.slug)}` : ''} ` +
      `(checked ${escapeHtml(app.github.checkedAt)}).</p>`
    : `<p class="bad">On, but GitHub does not accept the App: ${escapeHtml(app.github.error)} ` +
      `(checked ${escapeHtml(app.github.checkedAt)}).</p>`;
  const rows = app.installations
    .map(
      (installation) =>
        `<tr><td>${escapeHtml(installation.account)}</td><td>${escapeHtml(installation.id)}</td>${resync(installation)}</tr>`,
    )
    .join('');
  const installations = app.installationsError
    ? `<p class="bad">Could not list the installations: ${escapeHtml(app.installationsError)}</p>`
    : app.installations.length === 0
      ? '<p>Not installed on any account yet.</p>'
      : `<table><tr><th>account</th><th>installation</th><th>last resync</th><th>when</th><th>what it did</th></tr>${rows}</table>`;
  return `${github}<h3>Installations</h3>${installations}`;
}

function actionsSection(actions: StatusReport['actions']): string {
  const id = `<code>${escapeHtml(actions.integrationId)}</code>`;
  if (!actions.on) {
    return `<p>Off (${escapeHtml(actions.reason)}). Integration id ${id} (<code>WHARF_INTEGRATION_ID</code>).</p>`;
  }
  const poll = actions.lastPoll;
  const last = !poll
    ? 'not polled yet'
    : poll.ok
      ? `last poll ${escapeHtml(poll.at)}: ${escapeHtml(poll.claimed)} runs claimed`
      : `<span class="bad">last poll ${escapeHtml(poll.at)} failed (${escapeHtml(actions.failingPolls)} in a row): ${escapeHtml(poll.error)}</span>`;
  return (
    `<p class="good">On: claiming the <code>INTEGRATION_ACTION</code> runs of installation ${id} ` +
    `(<code>WHARF_INTEGRATION_ID</code>); executes ${actions.executors.map((type) => `<code>${escapeHtml(type)}</code>`).join(', ')}.</p>` +
    `<p>${last}.</p>` +
    '<table><tr><th>claimed</th><th>taken by another processor</th><th>SUCCESS</th><th>FAILURE</th>' +
    '<th>left IN_PROGRESS for their workflow</th><th>waiting</th><th>executing</th></tr>' +
    `<tr><td>${escapeHtml(actions.claimed)}</td><td>${escapeHtml(actions.skipped)}</td><td>${escapeHtml(actions.succeeded)}</td>` +
    `<td>${escapeHtml(actions.failed)}</td><td>${escapeHtml(actions.inProgress)}</td><td>${escapeHtml(actions.waiting)}</td>` +
    `<td>${escapeHtml(actions.executing)}</td></tr></table>`
  );
}

function configErrors(errors: StatusReport['configErrors']): string {
  if (errors.length === 0) return '<p class="good">None: every port-app-config.yml read lately parses.</p>';
  return errors
    .map(
      (error) =>
        `<div class="config"><p><strong>${escapeHtml(error.repository)}</strong> <code>${escapeHtml(error.file)}</code>` +
        ` (since ${escapeHtml(error.since)}; ${escapeHtml(error.instead)} applies instead)</p><ul>` +
        error.problems
          .map(
            (problem) =>
              `<li>line ${escapeHtml(problem.line)}, column ${escapeHtml(problem.column)}` +
              `${problem.field ? `: <code>${escapeHtml(problem.field)}</code>` : ''}: ${escapeHtml(problem.reason)}</li>`,
          )
          .join('') +
        '</ul></div>',
    )
    .join('');
}

/** The status page: plain HTML, no script, every value escaped. */
export function renderStatusPage(report: StatusReport): string {
  const catalog = report.catalog.embedded
    ? `<p class="good">Embedded catalog on, at ${link(report.catalog.url, report.catalog.url)}; browse it and run its actions in the ${link(CONSOLE_PATH, 'console')}.</p>`
    : `<p>Embedded catalog off: reporting to the Port API at ${link(report.catalog.portApi, report.catalog.portApi)}.</p>`;
  const docs = report.docs.map((doc) => `<li>${link(doc.href, doc.title)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wharf</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; }
.good { color: #16632e; } .bad { color: #a4161a; } code { background: #f3f3f3; padding: 0 .2rem; }
</style>
</head>
<body>
<h1>wharf</h1>
<p>Running at ${link(report.url, report.url)}. Also: ${link('/readyz', 'readiness')}, ${link('/metrics', 'metrics')},
${link('/healthz', 'liveness')}; this page as JSON with <code>Accept: application/json</code>.</p>
<h2>Catalog</h2>
${catalog}
<h2>GitHub App</h2>
${appSection(report.app)}
<h3>App state</h3>
${appStateSection(report.appState)}
<h2>Integration actions</h2>
${actionsSection(report.actions)}
<h2>Outboxes</h2>
<table><tr><th>outbox</th><th>waiting</th><th>oldest</th></tr>
${outbox('App: writes to Port', report.outboxes.app)}
${outbox('catalog: invocations and changelog events', report.outboxes.catalog)}
</table>
<h2>Configuration errors</h2>
${configErrors(report.configErrors)}
<h2>Documentation</h2>
<ul>${docs}</ul>
</body>
</html>
`;
}
