/** The Action's entry point (action.yml `main: dist/index.js`, bundled by `npm run build`). */
import { run } from './main.ts';

await run();
