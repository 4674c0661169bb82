/**
 * An import's plan in French (src/jobs/import.ts, `planImport`), as `alses import` prints it
 * before writing and the web page shows it before « Enregistrer dans les données ».
 */
import { describeDiff } from '../dataset/csv-diff.ts';
import { formatShortDate } from '../dates.ts';
import type { PlannedFile } from './import.ts';

/**
 * The French lines that show an import's plan, one file after the other:
 * « etats/2020-07-15.csv : 53 lignes, remplace le fichier actuel : +5 −0 ~2 » then each collège
 * added, removed or changed; « nouveau » files (a new déploiement with its collèges, a new état
 * against the état computed on its date) and « inchangé » ones; what changes in dispositif.yaml.
 */
export function describePlan(plan: readonly PlannedFile[]): string[] {
  return plan.flatMap((f) => {
    const rows = f.rows === undefined ? '' : `${f.rows} ${f.rows >= 2 ? 'lignes' : 'ligne'}, `;
    if (f.status === 'new' && f.diff && f.computedFrom) {
      const { date, from } = f.computedFrom;
      return [
        `${f.relative} : ${rows}nouveau ; par rapport à l'état calculé au ${formatShortDate(date)} (${from}) : +${f.diff.added.length} −${f.diff.removed.length} ~${f.diff.changed.length}`,
        ...describeDiff(f.diff),
      ];
    }
    if (f.status === 'new') return [`${f.relative} : ${rows}nouveau`, ...(f.diff ? describeDiff(f.diff) : [])];
    if (f.status === 'unchanged') return [`${f.relative} : ${rows}inchangé`];
    if (f.status === 'kept') return [`${f.relative} : ${rows}gardé (aucune feuille dans le classeur)`];
    if (f.diff) return [`${f.relative} : ${rows}remplace le fichier actuel : +${f.diff.added.length} −${f.diff.removed.length} ~${f.diff.changed.length}`, ...describeDiff(f.diff)];
    if (f.rows !== undefined) return [`${f.relative} : ${rows}modifié (le fichier actuel ne se lit pas comme un tableau de collèges : remplacé sans comparaison)`];
    return [`${f.relative} : modifié`, ...(f.changes ?? []).map((c) => `  ${c}`)];
  });
}

