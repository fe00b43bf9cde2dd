/** Build tooling of the Action: what action.yml's inputs generate, and the bundle action.yml runs. */
export { declaredInputs, readDeclaredInputs, type DeclaredInput } from './action-yml.ts';
export { BUNDLE_FOLDER, buildActionBundle } from './bundle.ts';
export { filesFromActionYml, GENERATE_COMMAND, type GeneratedFile } from './generated-files.ts';
export { INPUTS_MODULE_PATH } from './inputs-module.ts';
export { REPOSITORY_ROOT } from './paths.ts';
export { TABLE_END, TABLE_START } from './readme-inputs.ts';
