/**
 * ETP values (équivalent temps plein, 1 = one full-time post): exact arithmetic. Reading an ETP
 * cell: `rules/etp.ts`.
 *
 * ETP are stored as JavaScript numbers but always added in hundredths of ETP, as integers, so
 * that totals never show float noise (0,1 + 0,2 = 0,3 exactly).
 */

/** Hundredths of ETP per ETP: the finest grain an ETP may have (two decimals). */
export const ETP_SCALE = 100;

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
