/* global document -- this script runs in the browser, on the console's pages */
// Dates come from the server in UTC (ISO 8601); only the browser knows the reader's time zone and language, so it
// writes them out. Without this script the ISO text stays, which is still correct.
for (const time of document.querySelectorAll('time[datetime]')) {
  const date = new Date(time.dateTime);
  if (Number.isNaN(date.getTime())) continue;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(time.dateTime);
  time.textContent = dateOnly
    ? date.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  time.title = time.dateTime;
}
