/**
 * Rules of an ETP cell (`etp/required`, `etp/number`, `etp/range`, `etp/precision`): a decimal as
 * French spreadsheets write it, in (0, 1], at most two decimals (hundredths of ETP, `ETP_SCALE`).
 */
import { ETP_SCALE } from '../etp.ts';

/** What an ETP cell must hold, quoted in every ETP diagnostic. */
export const ETP_EXPECTED = 'nombre décimal strictement positif et au plus 1, ex. 0,5';

/** Outcome of reading an ETP cell. */
export type EtpParse =
  | { readonly ok: true; readonly etp: number }
  | {
      readonly ok: false;
      /** `etp/required`, `etp/number`, `etp/range` or `etp/precision`. */
      readonly ruleId: 'etp/required' | 'etp/number' | 'etp/range' | 'etp/precision';
      /** French message quoting the value and what was expected. */
      readonly message: string;
      /** What was expected (`Diagnostic.expected`). */
      readonly expected: string;
    };

const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/**
 * Reads an ETP cell: a decimal with a comma or a point ("0,5", "0.5", "1"), in (0, 1], at most two
 * decimals. Never throws; a bad value gives the rule it breaks and a French message.
 * @param kind `number` for a workbook cell holding a number (read with a point, `read/xlsx.ts`):
 *   messages then quote it as a French spreadsheet shows it, with a comma ("1,5").
 */
export function parseEtp(raw: string, kind?: 'number'): EtpParse {
  const read = raw.trim();
  const value = kind === 'number' ? read.replace('.', ',') : read;
  if (value === '') return { ok: false, ruleId: 'etp/required', message: `ETP vide (attendu : ${ETP_EXPECTED})`, expected: ETP_EXPECTED };
  if (!DECIMAL.test(value)) {
    return { ok: false, ruleId: 'etp/number', message: `ETP "${value}" n'est pas un nombre (attendu : ${ETP_EXPECTED})`, expected: ETP_EXPECTED };
  }
  const etp = Number(value.replace(',', '.'));
  if (!(etp > 0 && etp <= 1)) {
    return { ok: false, ruleId: 'etp/range', message: `ETP "${value}" hors limites (attendu : ${ETP_EXPECTED})`, expected: ETP_EXPECTED };
  }
  if (!Number.isInteger(Math.round(etp * ETP_SCALE * 1e6) / 1e6)) {
    return {
      ok: false,
      ruleId: 'etp/precision',
      message: `ETP "${value}" trop précis (attendu : au plus deux décimales, ex. 0,25)`,
      expected: 'au plus deux décimales, ex. 0,25',
    };
  }
  return { ok: true, etp };
}

