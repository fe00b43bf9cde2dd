export { parseJson, JsonSyntaxError } from './parse-json.ts';
export { jsonValueProblem, type JsonValueProblem, MAX_JSON_DEPTH, reservedKeyProblem } from './json-limits.ts';
export { formatIssuePath } from './issue-path.ts';
