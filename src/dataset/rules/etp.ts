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
 * Whether a decimal text is a whole number of hundredths: at most two decimals once trailing
 * zeros are dropped, or else the binary noise of a spreadsheet's formula (« 0.30000000000000004 »
 * for =0,1+0,2: 15 significant digits or more, within a millionth of a hundredth). Read on the
 * text: 0,0000000001 is not 0 hundredths (hostile trial: it passed the check made on the number,
 * and printed as « 0 »).
 */
function hundredths(value: string, etp: number): boolean {
  const decimals = (value.split(/[.,]/)[1] ?? '').replace(/0+$/, '');
  if (decimals.length <= 2) return true;
  const significant = value.replace(/[^0-9]/g, '').replace(/^0+/, '').length;
  const scaled = etp * ETP_SCALE;
  return significant >= 15 && Math.round(scaled) >= 1 && Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

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
  if (!hundredths(value, etp)) {
    return {
      ok: false,
      ruleId: 'etp/precision',
      message: `ETP "${value}" trop précis (attendu : au plus deux décimales, ex. 0,25)`,
      expected: 'au plus deux décimales, ex. 0,25',
    };
  }
  return { ok: true, etp };
}

