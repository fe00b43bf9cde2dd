import { consolePaths } from '../paths.ts';
import { markup, type SafeHtml } from './markup.ts';
import { page } from './layout.ts';

export interface SignInForm {
  csrfToken: string;
  /** The console path to open after signing in. */
  next: string;
  /** The client id typed before, kept so that only the secret must be typed again. */
  clientId?: string;
  /** Why the last attempt failed. */
  problem?: string;
  /** What happened before, e.g. a sign-out. */
  notice?: string | undefined;
}

/** The sign-in form: the catalog's client id and secret, as POST /v1/auth/access_token takes them. */
export function signInPage(form: SignInForm): SafeHtml {
  return page({
    title: 'Sign in',
    body: markup`<p>
        Sign in with the embedded catalog's credentials: <code>PORT_CLIENT_ID</code> and
        <code>PORT_CLIENT_SECRET</code> (printed by <code>npm start</code> when it generated them, kept in the data
        directory's <code>credentials.json</code>).
      </p>
      ${form.notice && markup`<p class="notice" role="status">${form.notice}</p>`}
      ${form.problem && markup`<p class="problem" role="alert" id="sign-in-problem">${form.problem}</p>`}
      <form
        class="sign-in"
        method="post"
        action="${consolePaths.signIn}"
        ${form.problem ? markup` aria-describedby="sign-in-problem"` : ''}
      >
        <input type="hidden" name="_csrf" value="${form.csrfToken}" />
        <input type="hidden" name="next" value="${form.next}" />
        <p>
          <label for="client-id">Client id</label>
          <input id="client-id" name="clientId" autocomplete="username" required value="${form.clientId ?? ''}" />
        </p>
        <p>
          <label for="client-secret">Client secret</label>
          <input id="client-secret" name="clientSecret" type="password" autocomplete="current-password" required />
        </p>
        <p><button type="submit">Sign in</button></p>
      </form>`,
  });
}
