export { parseJson, JsonSyntaxError } from './parse-json.ts';
