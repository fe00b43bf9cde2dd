/**
 * The datasource of a write. Ocean, the vendor's integration framework, names itself in the User-Agent of every
 * request (`port-ocean/<type>/<version>/<identifier>/<feature>`), and finds its own entities again by searching
 * `$datasource` by that prefix and suffix; so the whole header is what is recorded. Any other client's writes have
 * no datasource.
 */
export const OCEAN_USER_AGENT_PREFIX = 'port-ocean/';

/** Longer than any header Ocean builds; a longer one is recorded as no datasource rather than cut. */
export const MAX_DATASOURCE_LENGTH = 512;

/** The datasource a request's User-Agent names: the header when it is Ocean's, else null. */
export function datasourceOf(userAgent: string | undefined): string | null {
  if (userAgent === undefined || !userAgent.startsWith(OCEAN_USER_AGENT_PREFIX)) return null;
  if (userAgent.length > MAX_DATASOURCE_LENGTH) return null;
  // Printable ASCII without spaces: Ocean's types, versions and identifiers never hold anything else.
  return /^[\x21-\x7e]+$/.test(userAgent) ? userAgent : null;
}
