/** `npm run build`: the Action's bundle into dist/, where action.yml runs it. */
import { join } from 'node:path';
import { BUNDLE_FOLDER, buildActionBundle, REPOSITORY_ROOT } from './index.ts';

await buildActionBundle(join(REPOSITORY_ROOT, BUNDLE_FOLDER));
