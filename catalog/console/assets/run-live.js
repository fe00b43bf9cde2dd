/* global document, EventSource, DOMParser, URL, location */
// The run page, kept up to date while the run is in progress: new log lines are appended, and the parts of the page
// that change (status, label, summary, links, times) are replaced by the server's rendering of them. Without this
// script the page is complete as of its load, with a Reload link.
const log = document.getElementById('run-log');
const eventsUrl = log?.dataset.eventsUrl;

/** A time as console.js writes the page's times: in the reader's zone and language, the ISO text as its title. */
function localise(time) {
  const when = new Date(time.dateTime);
  if (Number.isNaN(when.getTime())) return;
  time.title = time.dateTime;
  time.textContent = when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A log line built from text nodes only: a message is never parsed as markup, whatever it contains. */
function appendLine(line) {
  const item = document.createElement('li');
  item.dataset.logId = line.id;
  const time = document.createElement('time');
  time.dateTime = line.createdAt;
  time.textContent = line.createdAt;
  localise(time);
  const message = document.createElement('span');
  message.className = 'log-message';
  message.textContent = line.message;
  item.append(time, ' ', message);
  document.getElementById('run-log-lines').append(item);
  document.getElementById('run-log-empty')?.remove();
}

/**
 * Puts the server's rendering of a part in place of the element with its id. The markup is the console's own
 * (escaped, the summary sanitized); a parsed document never runs scripts, and the page's CSP allows no inline ones.
 * Only an element already on the page is replaced, and only by one with the same id.
 */
function replacePart(id, markup) {
  const current = document.getElementById(id);
  const replacement = new DOMParser().parseFromString(markup, 'text/html').body.firstElementChild;
  if (!current || !replacement || replacement.id !== id) return;
  for (const time of replacement.querySelectorAll('time[datetime]')) localise(time);
  current.replaceWith(replacement);
}

function showLive(following) {
  const reload = document.getElementById('run-reload');
  const note = document.getElementById('run-live-note');
  if (reload) reload.hidden = following;
  if (note) note.hidden = !following;
}

if (eventsUrl) {
  const url = new URL(eventsUrl, location.href);
  url.searchParams.set('after', log.dataset.lastLogId ?? '0');
  // On a dropped connection the browser opens it again, sending the id of the last line it got (Last-Event-ID).
  const source = new EventSource(url);
  source.addEventListener('open', () => showLive(true));
  source.addEventListener('log', (event) => appendLine(JSON.parse(event.data)));
  source.addEventListener('run', (event) => {
    const { parts } = JSON.parse(event.data);
    for (const [id, markup] of Object.entries(parts)) replacePart(id, markup);
  });
  source.addEventListener('end', () => {
    source.close();
    const note = document.getElementById('run-live-note');
    if (note) note.textContent = 'The run ended.';
  });
  source.addEventListener('error', () => {
    // Refused (signed out, too many streams) or gone for good: the Reload link is the way to see more.
    if (source.readyState === EventSource.CLOSED) showLive(false);
  });
}
