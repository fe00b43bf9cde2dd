import { fileURLToPath } from 'node:url';

/** The repository's root: the generated files and action.yml are named relative to it. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
