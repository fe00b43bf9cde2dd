/**
 * Bundled in place of @actions/exec (see ../tsconfig.json). @actions/core imports it only for `platform`
 * (getDetails), which this Action never calls; leaving it out saves ~15 KB and a few ms of every cold start.
 */
export function getExecOutput(): never {
  throw new Error('the wharf Action does not bundle @actions/exec (core.platform.getDetails)');
}

export function exec(): never {
  throw new Error('the wharf Action does not bundle @actions/exec');
}
