export { evaluateJq, JqError, jqCompileProblem } from './engine.ts';
export { renderTemplates, TemplateError } from './template.ts';
