/**
 * Calendar dates of the product, in one place: ISO `YYYY-MM-DD` checks, French wordings
 * ("1er juillet 2019", "15/07/2019", "juillet 2019"), months `YYYY-MM`, and Europe/Paris (the
 * Département's time zone: a date is a calendar day there, a month ends at midnight there).
 */
import { AlsesError } from './errors.ts';

/** ISO calendar date `YYYY-MM-DD` (a calendar day in Europe/Paris, no time zone). */
export type IsoDate = string;

/** French month names, January first. */
export const MONTHS_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** What an ISO date must look like, as messages of documents and templates quote it. */
export const ISO_DATE_EXPECTED = 'date AAAA-MM-JJ, ex. 2019-07-15';

/** What a date of the data must be, as dataset diagnostics quote it. */
export const CALENDAR_DATE_EXPECTED = 'une date du calendrier au format AAAA-MM-JJ, ex. 2019-07-15';

/** Parsed parts of an ISO calendar date (month 1–12). */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The parts of `s` when it is an ISO `YYYY-MM-DD` string naming a real calendar day. */
function partsOf(s: string): DateParts | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const parts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  // A day that does not exist rolls over (2019-02-30 → 2019-03-02).
  return new Date(utcMidnight(parts)).toISOString().slice(0, 10) === s ? parts : undefined;
}

/** 00:00 UTC of a day, in milliseconds (years 0–99 included, unlike `Date.UTC`; UTC has no DST). */
function utcMidnight({ year, month, day }: DateParts): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

/**
 * `true` if `s` is an ISO `YYYY-MM-DD` string naming a real calendar day (2019-02-30 is not;
 * 2020-02-29 is).
 */
export function isIsoDate(s: string): s is IsoDate {
  return partsOf(s) !== undefined;
}

/**
 * Parses an ISO date `YYYY-MM-DD` (a calendar day, Europe/Paris).
 * @throws AlsesError INVALID_INPUT, with a `date/invalid` diagnostic, if the text is not a
 *   valid calendar date.
 */
export function parseIsoDate(iso: string): DateParts {
  const parts = partsOf(iso);
  if (parts) return parts;
  const message = `Date « ${iso} » invalide (attendu : ${ISO_DATE_EXPECTED})`;
  throw new AlsesError('INVALID_INPUT', message, [
    { severity: 'error', ruleId: 'date/invalid', message, actual: iso, expected: ISO_DATE_EXPECTED },
  ]);
}

/**
 * A date in words: "2019-07-01" → "1er juillet 2019", "2019-07-15" → "15 juillet 2019".
 * Documents use the default U+00A0 between words so that the date never breaks across lines;
 * diagnostics pass a plain space.
 * @throws AlsesError INVALID_INPUT on an invalid date.
 */
export function formatDate(iso: string, space = '\u00a0'): string {
  const { year, month, day } = parseIsoDate(iso);
  return `${day === 1 ? '1er' : String(day)}${space}${MONTHS_FR[month - 1]}${space}${year}`;
}

/**
 * A date in figures, as staff read it in diagnostics: "2019-07-15" → "15/07/2019".
 * @throws AlsesError INVALID_INPUT on an invalid date.
 */
export function formatShortDate(iso: string): string {
  const { year, month, day } = parseIsoDate(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(day)}/${pad(month)}/${year}`;
}

/**
 * The month of an ISO date or of a `YYYY-MM` month: "juillet 2019" (U+00A0 between the words).
 * @throws AlsesError INVALID_INPUT on an invalid date.
 */
export function formatMonth(isoOrMonth: string): string {
  const { year, month } = parseIsoDate(isoOrMonth.length === 7 ? `${isoOrMonth}-01` : isoOrMonth);
  return `${MONTHS_FR[month - 1]}\u00a0${year}`;
}

/**
 * Year of an ISO date, as a number: "2021-12-31" → 2021.
 * @throws AlsesError INVALID_INPUT on an invalid date.
 */
export function yearOf(iso: string): number {
  return parseIsoDate(iso).year;
}

/** The month before `YYYY-MM`: "2020-01" → "2019-12" (input assumed valid). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The month after `YYYY-MM`: "2019-12" → "2020-01" (input assumed valid). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

const PARIS_MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' });
const PARIS_OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

/**
 * The current month `YYYY-MM` in Europe/Paris at instant `now`: at 2019-09-30 22:30 UTC
 * (1 October, 00:30 in Paris) it is "2019-10".
 */
export function parisMonth(now: Date): string {
  const parts = PARIS_MONTH.formatToParts(now);
  const y = parts.find((p) => p.type === 'year')?.value ?? '';
  const m = parts.find((p) => p.type === 'month')?.value ?? '';
  return `${y}-${m}`;
}

/** Formats an instant as the Paris calendar day, `YYYY-MM-DD` (Swedish dates are ISO). */
const PARIS_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The calendar day `YYYY-MM-DD` in Europe/Paris at instant `now`: at 2019-09-30 22:30 UTC it is
 * "2019-10-01".
 */
export const parisDay = (now: Date): IsoDate => PARIS_DAY.format(now) as IsoDate;

/**
 * The instant of 00:00 in Europe/Paris on a valid ISO date: "2019-07-01" → 2019-06-30T22:00Z
 * (summer time), "2019-01-15" → 2019-01-14T23:00Z.
 */
export function parisMidnight(iso: IsoDate): Date {
  const utc = utcMidnight(parseIsoDate(iso));
  // Paris is UTC+1 or UTC+2 at midnight; the offset read at utc - 2 h is the one in force at
  // local midnight, as no change of time happens between 22:00 UTC and 02:00 local time.
  return new Date(utc - parisOffsetMinutes(new Date(utc - 2 * 3600_000)) * 60_000);
}

/** Offset of Europe/Paris from UTC at `instant`, in minutes (60 in winter, 120 in summer). */
function parisOffsetMinutes(instant: Date): number {
  const name = PARIS_OFFSET.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
