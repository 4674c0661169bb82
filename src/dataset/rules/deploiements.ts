/**
 * Rules between the déploiements and the états (`deploiement/already-present`,
 * `deploiement/absent-from-etat`), from the state rule (DESIGN.md, "Data contract"): the state on
 * a date D is the latest état ≤ D plus the déploiements effective after it and ≤ D.
 */
import { formatDate, formatShortDate } from '../../dates.ts';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { Affectation, Deploiement, Etat, IsoDate } from '../model.ts';
import { collegeKey } from '../model.ts';
import { guillemets, quote } from '../text.ts';
import { describeCollege, describeRowPlace } from './affectations.ts';

/** A read entry; `source` and `rows` are absent when its file could not be read as a table. */
export type ReadEtat = Omit<Etat, 'source' | 'rows'> & Partial<Pick<Etat, 'source' | 'rows'>>;
/** A read déploiement entry (see `ReadEtat`), with the place of its `effet` in dispositif.yaml. */
export type ReadDeploiement = Omit<Deploiement, 'source' | 'rows'> & Partial<Pick<Deploiement, 'source' | 'rows'>> & { readonly effetPlace: Place };

export const byDate = (a: { date: IsoDate }, b: { date: IsoDate }): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
export const byEffet = (a: { effet: IsoDate }, b: { effet: IsoDate }): number => (a.effet < b.effet ? -1 : a.effet > b.effet ? 1 : 0);

/**
 * `deploiement/already-present`: a deployed collège must not already host an ALSES in the state
 * the deployment adds to, i.e. the latest état dated strictly before its `effet` (an état dated
 * on or after `effet` already includes it, per the state rule), nor in an earlier deployment
 * added to that same état.
 */
export function checkDeploiementsAddNewColleges(
  etats: readonly ReadEtat[],
  deploiements: readonly ReadDeploiement[],
  diagnostics: Diagnostic[],
): void {
  deploiements.forEach((d, index) => {
    const base = etats.filter((e) => e.date < d.effet).at(-1);
    if (!base?.rows || !d.rows) return;
    const present = new Map<string, string>();
    for (const row of base.rows) {
      present.set(collegeKey(row), `dans l'état du ${formatShortDate(base.date)} (${describeRowPlace(row.place)})`);
    }
    for (const earlier of deploiements.slice(0, index)) {
      if (earlier.effet <= base.date || !earlier.rows) continue;
      for (const row of earlier.rows) {
        present.set(collegeKey(row), `par le déploiement ${quote(earlier.libelle)} (${describeRowPlace(row.place)})`);
      }
    }
    for (const row of d.rows) {
      const where = present.get(collegeKey(row));
      if (!where) continue;
      diagnostics.push({
        severity: 'error',
        ruleId: 'deploiement/already-present',
        message: `${describeCollege(row)} déjà doté d'un ALSES ${where} (attendu : un collège qui n'en a pas encore au ${formatShortDate(d.effet)})`,
        place: row.place,
        field: 'college',
      });
    }
  });
}

/**
 * `deploiement/absent-from-etat`: by the state rule, an état dated on or after a deployment's
 * `effet` already includes it (the deployment is never added to it). So the first such état must
 * hold every deployed collège; otherwise those collèges vanish from every state from that état on
 * — typically a typo in `effet` (2019-07-10 for 2019-09-10) or an état copied from an older one.
 * One error per deployment, placed at its `effet` in dispositif.yaml.
 */
export function checkDeploiementsInLaterEtats(
  etats: readonly ReadEtat[],
  deploiements: readonly ReadDeploiement[],
  diagnostics: Diagnostic[],
): void {
  for (const d of deploiements) {
    const etat = etats.find((e) => e.date >= d.effet);
    if (!etat?.rows || !d.rows || d.rows.length === 0) continue;
    const inEtat = new Set(etat.rows.map(collegeKey));
    const missing = d.rows.filter((row) => !inEtat.has(collegeKey(row)));
    if (missing.length === 0) continue;
    const name = (row: Affectation): string => `${row.commune} – ${row.college}`;
    const total = d.rows.length;
    const which =
      missing.length < total ? `${missing.length} de ses ${total} collèges` : total === 1 ? 'son collège' : `ses ${total} collèges`;
    const named =
      missing.length === 1 ? name(missing[0]!) : missing.length === 2 ? `${name(missing[0]!)} et ${name(missing[1]!)}` : `ex. ${name(missing[0]!)}`;
    const when = d.effet < etat.date ? 'avant' : 'le jour de';
    diagnostics.push({
      severity: 'error',
      ruleId: 'deploiement/absent-from-etat',
      message:
        `Déploiement ${guillemets(d.id)} effectif le ${formatDate(d.effet, ' ')}, ${when} l'état du ${formatDate(etat.date, ' ')} ` +
        `qui ne contient pas ${which} (${named}) (attendu : une date d'effet postérieure à l'état, ou ces collèges dans l'état)`,
      place: d.effetPlace,
      field: 'effet',
    });
  }
}
