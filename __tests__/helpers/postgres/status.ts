import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * How the jest run's test PostgreSQL server is shared. globalSetup (global-setup.ts) sets both variables before any
 * test file starts. The first test that needs the server (createTestDatabase in index.ts) writes the status file's
 * "wanted" file beside it; globalSetup's process then starts the server and writes the status file, which the tests
 * read to learn when it is ready or why it failed. A URL set before `npm test` (a server of one's own) is used as
 * it is, and no server is started.
 */
export const URL_VARIABLE = 'WHARF_TEST_POSTGRES_URL';
export const STATUS_VARIABLE = 'WHARF_TEST_POSTGRES_STATUS';

export type ServerStatus = { state: 'ready'; startMs: number } | { state: 'failed'; message: string };

/** The file whose presence asks for the server. */
export function wantedFile(statusFile: string): string {
  return `${statusFile}.wanted`;
}

export async function writeStatus(file: string, status: ServerStatus): Promise<void> {
  // Whole or absent for a reader: written beside it, then renamed over it.
  await writeFile(`${file}.partial`, JSON.stringify(status));
  await rename(`${file}.partial`, file);
}

/** The status, or undefined while the server is starting. */
export async function readStatus(file: string): Promise<ServerStatus | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ServerStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
