export {
  configureJq,
  evaluateJq,
  firstToOverrun,
  JqError,
  JqLimitError,
  jqCompileProblem,
  jqLimits,
} from './engine.ts';
export { DEFAULT_JQ_LIMITS, type JqLimits, jqLimitsFromEnv } from './limits.ts';
export {
  renderTemplates,
  templateCompileProblem,
  TemplateError,
  type TemplateSlot,
  templateSlots,
} from './template.ts';
