import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { REPOSITORY_ROOT } from './paths.ts';

/** `text` as `npx prettier --write` would leave it at `path` (relative to the repository), so lint agrees. */
export async function formatted(text: string, path: string): Promise<string> {
  const filepath = join(REPOSITORY_ROOT, path);
  return format(text, { ...(await resolveConfig(filepath)), filepath });
}
