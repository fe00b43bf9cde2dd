export { evaluateJq, JqError } from './engine.ts';
export { renderTemplates, TemplateError } from './template.ts';
