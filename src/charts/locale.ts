/**
 * French number and time locales handed to each Vega view (`View` option `locale`), so axis
 * ticks read "0,5" and "juil. 2019". Same conventions as `src/format.ts`: decimal comma,
 * U+202F (narrow no-break space) between thousands.
 */
import { MONTHS_FR } from '../dates.ts';

/** d3-format locale definition (the shape vega's `formatLocale` takes). */
export const NUMBER_LOCALE_FR = {
  decimal: ',',
  thousands: '\u202f',
  grouping: [3],
  currency: ['', '\u00a0€'],
  minus: '\u2212',
  percent: '\u202f%',
} as const;

/** d3-time-format locale definition (the shape vega's `timeFormatLocale` takes). */
export const TIME_LOCALE_FR = {
  dateTime: '%A %e %B %Y à %X',
  date: '%d/%m/%Y',
  time: '%H:%M:%S',
  periods: ['AM', 'PM'],
  days: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  shortDays: ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'],
  months: MONTHS_FR,
  shortMonths: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
} as const;

/** Short French month label of a month index (0 = January) and year: "juil. 2019". */
export function shortMonthLabel(monthIndex: number, year: number): string {
  return `${TIME_LOCALE_FR.shortMonths[monthIndex]} ${year}`;
}
