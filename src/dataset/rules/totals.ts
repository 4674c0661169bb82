/**
 * Rules of the TOTAL rows of a table (`total/number`, `total/mismatch`): the total a spreadsheet
 * row declares must be the computed sum of the ETP, added exactly in hundredths of ETP.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import { decimalComma } from '../../format.ts';
import { fromHundredths, toHundredths } from '../etp.ts';
import type { Table } from '../read/table.ts';
import { quote } from '../text.ts';
import type { AffectationColumn } from './affectations.ts';

/**
 * `total/number`, `total/mismatch`: each TOTAL row that declares an ETP total must equal the sum
 * of the table's ETP (compared in hundredths of ETP). Not checked when an ETP of the table is
 * unreadable (the sum would be wrong; that ETP is reported already).
 */
export function checkTotals(table: Table<AffectationColumn>, etpHundredths: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const computed = fromHundredths(etpHundredths);
  for (const { declared } of table.totals) {
    if (!declared || declared.kind === 'invalid') continue;
    const value = declared.value.replace(/[\s\u202F]/g, '');
    const number = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/.test(value) ? Number(value.replace(',', '.')) : NaN;
    if (Number.isNaN(number)) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'total/number',
        message: `TOTAL ${quote(declared.value)} n'est pas un nombre (attendu : la somme des ETP, ${frenchNumber(computed)}, ou une cellule vide)`,
        place: declared.place,
        field: 'etp',
        actual: declared.value,
        expected: frenchNumber(computed),
      });
    } else if (toHundredths(number) !== etpHundredths) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'total/mismatch',
        message: `TOTAL déclaré ${frenchNumber(number)}, somme calculée ${frenchNumber(computed)} (attendu : la somme des ETP des ${table.rows.length} lignes du tableau ; corriger le TOTAL ou les lignes)`,
        place: declared.place,
        field: 'etp',
        actual: declared.value,
        expected: frenchNumber(computed),
      });
    }
  }
  return diagnostics;
}

/** 40.5 → "40,5" (as staff type it; float noise below 1e-6 removed). */
const frenchNumber = (n: number): string => decimalComma(Math.round(n * 1e6) / 1e6);
