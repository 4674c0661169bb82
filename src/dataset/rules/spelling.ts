/**
 * Near-duplicates (warnings): the same commune or the same collège written two ways — other
 * case, accents, spaces or hyphens ("GRANDE SYNTHÉ" / "Grande-Synthe") — within a file or across
 * the états and déploiements. Both spellings would be printed as such in the documents; a
 * warning names the first spelling met and where.
 *
 * The same collège twice in one file is an error (`college/duplicate`, `affectations.ts`);
 * these are not errors because the data stay right, only their spelling differs.
 */
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { describeRowPlace } from './affectations.ts';
import type { Affectation } from '../model.ts';
import { collegeKey } from '../model.ts';
import { foldForComparison, quote } from '../text.ts';

/**
 * Whether `a` becomes `b` by one edit: a letter changed, added or removed, or two neighbours
 * swapped (« ROUBIAX » for « ROUBAIX »).
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length)
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * `commune/spelling` and `college/spelling` warnings, one per spelling that differs from the
 * first met (files taken in the order given: états by date, then déploiements by effet).
 * Also a collège found again under a commune never met before, one edit away from the commune it
 * had (« ROUBIAX » for « ROUBAIX », staff trial: printed as such, and counted as one more
 * commune): a typo is likelier than a collège that moved to a commune of such a name.
 */
export function checkSpellings(files: readonly (readonly Affectation[])[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // The first row of each commune and collège: its spelling and place (the row itself, rather
  // than an object made per row).
  const communes = new Map<string, Affectation>();
  const colleges = new Map<string, Affectation>();
  /** The first row of each collège name, whatever its commune. */
  const byName = new Map<string, Affectation>();
  const reported = new Set<string>();
  for (const rows of files) {
    for (const row of rows) {
      const communeKey = foldForComparison(row.commune);
      const nameKey = foldForComparison(row.college);
      const named = byName.get(nameKey);
      if (!named) byName.set(nameKey, row);
      else if (!communes.has(communeKey) && oneEditApart(foldForComparison(named.commune), communeKey) && !reported.has(`c/${row.commune}`)) {
        reported.add(`c/${row.commune}`);
        diagnostics.push({
          severity: 'warning',
          ruleId: 'commune/spelling',
          message: `commune ${quote(row.commune)} du collège ${quote(row.college)}, écrite ${quote(named.commune)} pour ce collège ailleurs (${describeRowPlace(named.place)}) : faute de frappe ? (attendu : une seule orthographe pour une même commune)`,
          place: row.place,
          field: 'commune',
        });
      }
      const commune = communes.get(communeKey);
      if (!commune) communes.set(communeKey, row);
      else if (commune.commune !== row.commune && !reported.has(`c/${row.commune}`)) {
        reported.add(`c/${row.commune}`);
        diagnostics.push({
          severity: 'warning',
          ruleId: 'commune/spelling',
          message: `commune ${quote(row.commune)} écrite ${quote(commune.commune)} ailleurs (${describeRowPlace(commune.place)}) (attendu : une seule orthographe pour une même commune)`,
          place: row.place,
          field: 'commune',
        });
      }

      const key = collegeKey(row);
      const college = colleges.get(key);
      if (!college) colleges.set(key, row);
      else if (college.college !== row.college && !reported.has(`k/${key}/${row.college}`)) {
        reported.add(`k/${key}/${row.college}`);
        diagnostics.push({
          severity: 'warning',
          ruleId: 'college/spelling',
          message: `collège ${quote(row.college)} (${row.commune}) écrit ${quote(college.college)} ailleurs (${describeRowPlace(college.place)}) (attendu : une seule orthographe pour un même collège)`,
          place: row.place,
          field: 'college',
        });
      }
    }
  }
  return diagnostics;
}
