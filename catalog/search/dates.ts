/**
 * Date handling for search rules. Instants are compared as canonical ISO-8601 UTC text with milliseconds
 * (`2026-01-01T00:00:00.000Z`), the form `Date#toISOString` and SQLite's `strftime(CANONICAL_INSTANT, x)` both
 * produce, so text order is time order even when stored values use other offsets or precisions.
 */

export const CANONICAL_INSTANT = '%Y-%m-%dT%H:%M:%fZ';

/** An ISO-8601 date-time with an explicit zone: a value like this is compared as an instant, not as text. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

export function toInstant(value: string): string {
  return new Date(value).toISOString();
}

/** Port's documented presets (search-and-query/operators/comparison-operators, "between"). */
export const DATE_PRESETS = [
  'today',
  'tomorrow',
  'yesterday',
  'lastDay',
  'lastWeek',
  'last2Weeks',
  'lastMonth',
  'last3Months',
  'last6Months',
  'last12Months',
  'last2Years',
  'last3Years',
  'nextDay',
  'nextWeek',
  'next2Weeks',
  'nextMonth',
  'next3Months',
  'next6Months',
  'next12Months',
] as const;

export type DatePreset = (typeof DATE_PRESETS)[number];

/** An inclusive range of instants, both ends canonical. */
export interface InstantRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/** Calendar-day presets, as an offset in days from today (UTC: the API has no user time zone). */
const CALENDAR_DAYS: Partial<Record<DatePreset, number>> = { yesterday: -1, today: 0, tomorrow: 1 };

/** Rolling presets, as a signed length in days from now; the docs define months as 30 days and 12 months as 365. */
const ROLLING_DAYS: Partial<Record<DatePreset, number>> = {
  lastDay: -1,
  lastWeek: -7,
  last2Weeks: -14,
  lastMonth: -30,
  last3Months: -90,
  last6Months: -180,
  last12Months: -365,
  last2Years: -730,
  last3Years: -1095,
  nextDay: 1,
  nextWeek: 7,
  next2Weeks: 14,
  nextMonth: 30,
  next3Months: 90,
  next6Months: 180,
  next12Months: 365,
};

export function presetRange(preset: DatePreset, now: Date): InstantRange {
  const calendarOffset = CALENDAR_DAYS[preset];
  if (calendarOffset !== undefined) {
    const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS + calendarOffset * DAY_MS;
    return { from: iso(dayStart), to: iso(dayStart + DAY_MS - 1) };
  }
  const days = ROLLING_DAYS[preset]!;
  const other = now.getTime() + days * DAY_MS;
  return days < 0 ? { from: iso(other), to: iso(now.getTime()) } : { from: iso(now.getTime()), to: iso(other) };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
