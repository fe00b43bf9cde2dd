/**
 * Bundled in place of @actions/http-client (see ../tsconfig.json). @actions/core imports it only for getIDToken
 * (OIDC), which this Action never calls; the real one brings undici and tunnel, 450 KB of a 480 KB bundle.
 * Anything that does reach it fails loudly rather than quietly doing nothing.
 */
export class HttpClient {
  constructor() {
    throw new Error('the wharf Action does not bundle an HTTP client for OIDC tokens (core.getIDToken)');
  }
}

export class BearerCredentialHandler {
  constructor() {
    throw new Error('the wharf Action does not bundle an HTTP client for OIDC tokens (core.getIDToken)');
  }
}
