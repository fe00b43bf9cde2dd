/** The HTML of /setup and /setup/callback: small pages, every value escaped, no secret on any of them. */
import { escapeHtml } from '../../src/html/index.ts';

/** A whole page; `body` is HTML already escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · wharf</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
form { margin: 1rem 0; padding: 1rem; border: 1px solid #ccc; border-radius: 6px; }
button { font-size: 1rem; padding: .4rem 1rem; }
code { background: #f3f3f3; padding: 0 .2rem; }
.problem { color: #a40000; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/">wharf</a></p>
</body>
</html>
`;
}
