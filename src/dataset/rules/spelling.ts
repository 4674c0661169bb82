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
 * `commune/spelling` and `college/spelling` warnings, one per spelling that differs from the
 * first met (files taken in the order given: états by date, then déploiements by effet).
 */
export function checkSpellings(files: readonly (readonly Affectation[])[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // The first row of each commune and collège: its spelling and place (the row itself, rather
  // than an object made per row).
  const communes = new Map<string, Affectation>();
  const colleges = new Map<string, Affectation>();
  const reported = new Set<string>();
  for (const rows of files) {
    for (const row of rows) {
      const communeKey = foldForComparison(row.commune);
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
