import { invalidRequest } from '../../errors.ts';

/** A log line's id as a client sends it back (`?after=`, `Last-Event-ID`): digits only, 0 meaning "from the first". */
export function parseLogId(value: unknown, name: string): number {
  const text = (Array.isArray(value) ? value[0] : value) as unknown;
  if (text === undefined || text === '') return 0;
  if (typeof text === 'string' && /^\d{1,15}$/.test(text)) return Number(text);
  throw invalidRequest(
    `${name} must be the id of a log line (digits), not ${JSON.stringify(String(text).slice(0, 40))}`,
  );
}
