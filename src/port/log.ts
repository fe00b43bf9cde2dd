import { secretForms } from './secret-forms.ts';

/** What the client logs through: @actions/core fits as it is, so does a Probot or pino logger wrapped in one line. */
export interface PortLogger {
  debug(message: string): void;
  info?(message: string): void;
  warning?(message: string): void;
}

export interface PortLog {
  debug(message: string): void;
  warning(message: string): void;
}

/** Replaces every known secret (the client secret, each access token) in a text with `***`. */
export interface Redactor {
  add(secret: string): void;
  redact(text: string): string;
}

export function createRedactor(secrets: string[] = []): Redactor {
  // Longest first: a line of a multi-line secret must not break up the whole secret before it is replaced.
  let known: string[] = [];
  const add = (secret: string): void => {
    known = [...new Set([...known, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
  };
  secrets.forEach(add);
  return {
    add,
    redact: (text) => {
      let safe = text;
      for (const secret of known) safe = safe.replaceAll(secret, '***');
      return safe;
    },
  };
}

/** Every line passes through the redactor, whatever the caller logs and whatever the server answered. */
export function createPortLog(logger: PortLogger | undefined, redactor: Redactor): PortLog {
  if (!logger) return { debug: () => {}, warning: () => {} };
  return {
    debug: (message) => logger.debug(redactor.redact(message)),
    warning: (message) => {
      const safe = redactor.redact(message);
      if (logger.warning) logger.warning(safe);
      else if (logger.info) logger.info(safe);
      else logger.debug(safe);
    },
  };
}
