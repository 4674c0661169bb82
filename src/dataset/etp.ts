/**
 * ETP values (équivalent temps plein, 1 = one full-time post): parsing as French spreadsheets
 * write them, and exact arithmetic.
 *
 * ETP are stored as JavaScript numbers but always added in hundredths of ETP, as integers, so
 * that totals never show float noise (0,1 + 0,2 = 0,3 exactly).
 */

/** Hundredths of ETP per ETP: the finest grain an ETP may have (two decimals). */
export const ETP_SCALE = 100;

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
    };

const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/**
 * Reads an ETP cell: a decimal with a comma or a point ("0,5", "0.5", "1"), in (0, 1], at most two
 * decimals. Never throws; a bad value gives the rule it breaks and a French message.
 */
export function parseEtp(raw: string): EtpParse {
  const value = raw.trim();
  if (value === '') return { ok: false, ruleId: 'etp/required', message: `ETP vide (attendu : ${ETP_EXPECTED})` };
  if (!DECIMAL.test(value)) {
    return { ok: false, ruleId: 'etp/number', message: `ETP "${value}" n'est pas un nombre (attendu : ${ETP_EXPECTED})` };
  }
  const etp = Number(value.replace(',', '.'));
  if (!(etp > 0 && etp <= 1)) {
    return { ok: false, ruleId: 'etp/range', message: `ETP "${value}" hors limites (attendu : ${ETP_EXPECTED})` };
  }
  if (!Number.isInteger(Math.round(etp * ETP_SCALE * 1e6) / 1e6)) {
    return {
      ok: false,
      ruleId: 'etp/precision',
      message: `ETP "${value}" trop précis (attendu : au plus deux décimales, ex. 0,25)`,
    };
  }
  return { ok: true, etp };
}

/** ETP → integer hundredths of ETP (0.5 → 50). */
export const toHundredths = (etp: number): number => Math.round(etp * ETP_SCALE);

/** Integer hundredths of ETP → ETP (50 → 0.5). */
export const fromHundredths = (hundredths: number): number => hundredths / ETP_SCALE;

/** Exact sum of ETP values (in hundredths, as integers), returned in ETP. */
export function sumEtp(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += toHundredths(v);
  return fromHundredths(total);
}
