import { consolePaths } from '../paths.ts';
import { markup, type Interpolation, type SafeHtml } from './markup.ts';

export interface Crumb {
  label: string;
  href?: string;
}

export interface PageOptions {
  /** The page's name: its <title> and its <h1>. */
  title: string;
  body: Interpolation;
  /** For a signed-in page: the CSRF token of the sign-out form in the header. */
  csrfToken?: string | undefined;
  /** The way back up, from the blueprints list to the page's parent. */
  crumbs?: Crumb[];
  /** Scripts of assets/ this page needs beyond console.js (file names). */
  scripts?: string[];
}

/** The document every console page is: landmarks (banner, navigation, main), a skip link, one stylesheet, one script. */
export function page(options: PageOptions): SafeHtml {
  const signedIn = options.csrfToken !== undefined;
  return markup`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · wharf console</title>
        <link rel="stylesheet" href="${consolePaths.stylesheet}" />
        <script src="${consolePaths.script}" defer></script>
        ${(options.scripts ?? []).map((name) => markup`<script src="${consolePaths.pageScript(name)}" defer></script>`)}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="banner">
          <a class="brand" href="${consolePaths.blueprints}">wharf console</a>
          ${
            signedIn &&
            markup`<nav aria-label="Console">
                <ul>
                  <li><a href="${consolePaths.blueprints}">Blueprints</a></li>
                  <li><a href="${consolePaths.actions}">Self-service</a></li>
                  <li><a href="${consolePaths.runs}">Runs</a></li>
                </ul>
              </nav>
              <form class="sign-out" method="post" action="${consolePaths.signOut}">
                <input type="hidden" name="_csrf" value="${options.csrfToken}" />
                <button type="submit">Sign out</button>
              </form>`
          }
        </header>
        <main id="main" tabindex="-1">
          ${options.crumbs && options.crumbs.length > 0 && breadcrumbs(options.crumbs)}
          <h1>${options.title}</h1>
          ${options.body}
        </main>
      </body>
    </html> `;
}

function breadcrumbs(crumbs: Crumb[]): SafeHtml {
  return markup`<nav aria-label="Breadcrumb" class="breadcrumbs">
    <ol>
      ${crumbs.map((crumb) =>
        crumb.href ? markup`<li><a href="${crumb.href}">${crumb.label}</a></li>` : markup`<li>${crumb.label}</li>`,
      )}
    </ol>
  </nav>`;
}
