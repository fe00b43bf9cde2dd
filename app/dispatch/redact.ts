import { secretForms } from '../../src/port/secret-forms.ts';

export const REDACTED = '***';

/**
 * Hides the catalog's secrets in text the App writes (run logs, its own log): an action's templates can put a
 * secret in `workflowInputs` (a `ref`, an input GitHub quotes back in its refusal), and from there into a message.
 * Every form a secret can take in a message is hidden, longest first so a secret inside another is not half-shown.
 */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => forms.reduce((redacted, form) => redacted.replaceAll(form, REDACTED), text);
}
