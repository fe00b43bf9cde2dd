/** The Action's entry point (action.yml `main: dist/index.js`, bundled by `npm run build`). */
import { debug, getInput, info, isDebug, setFailed, setOutput, setSecret, summary, warning } from '@actions/core';
import { run } from './main.ts';

// The members run() uses, named one by one: passing the whole module would keep all of @actions/core in the bundle.
const core = {
  getInput,
  setSecret,
  setOutput,
  setFailed,
  info,
  warning,
  debug,
  isDebug,
  summary: process.env.GITHUB_STEP_SUMMARY ? summary : undefined,
};
await run(core, process.env.GITHUB_WORKSPACE || process.cwd());
