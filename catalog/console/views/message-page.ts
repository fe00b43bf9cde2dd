import { consolePaths } from '../paths.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';

/** A page that only says what went wrong (not found, refused, failed), with a way back. */
export function messagePage(title: string, message: string, csrfToken?: string): SafeHtml {
  return page({
    title,
    csrfToken,
    body: markup`<p class="problem" role="alert">${message}</p>
      <p><a href="${consolePaths.blueprints}">Back to the blueprints</a></p>`,
  });
}
