import { readFileSync } from 'node:fs';

/** A blueprint, entity, action or run patch from __tests__/fixtures, as users write it for Port. */
export function example<T = Record<string, unknown>>(name: string): T {
  const path = new URL(`../fixtures/${name}`, import.meta.url);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
