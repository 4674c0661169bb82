/**
 * Rules between the déploiements and the états (`deploiement/already-present`,
 * `deploiement/absent-from-etat`), from the state rule (DESIGN.md, "Data contract"): the state on
 * a date D is the latest état ≤ D plus the déploiements effective after it and ≤ D.
 */
import { formatDate, formatShortDate } from '../../dates.ts';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { Deploiement, Etat, IsoDate } from '../model.ts';
import { collegeKey } from '../model.ts';
import { guillemets, quote } from '../text.ts';
import { describeCollege, describeRowPlace, type CollegeIdentity } from './affectations.ts';

/**
 * A read entry; `source` and `rows` are absent when its file could not be read as a table.
 * `identities`: the collège of every row, including rows left out of `rows` for an error in
 * another cell (see `toAffectations`); the checks below read them, so that a row with a wrong
 * UAI is also reported as deployed twice in the same run. Default: `rows`.
 */
export type ReadEtat = Omit<Etat, 'source' | 'rows'> & Partial<Pick<Etat, 'source' | 'rows'>> & { readonly identities?: readonly CollegeIdentity[] | undefined };
/** A read déploiement entry (see `ReadEtat`), with the place of its `effet` in dispositif.yaml. */
export type ReadDeploiement = Omit<Deploiement, 'source' | 'rows'> &
  Partial<Pick<Deploiement, 'source' | 'rows'>> & { readonly identities?: readonly CollegeIdentity[] | undefined; readonly effetPlace: Place };

/** The collèges of a read table (see `ReadEtat`): every row's, errors or not; undefined when unread. */
const collegesOf = (t: { readonly rows?: readonly CollegeIdentity[] | undefined; readonly identities?: readonly CollegeIdentity[] | undefined }): readonly CollegeIdentity[] | undefined =>
  t.rows === undefined ? undefined : (t.identities ?? t.rows);

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
    const baseColleges = base && collegesOf(base);
    const deployed = collegesOf(d);
    if (!base || !baseColleges || !deployed) return;
    // Where each collège already is: the words saying where, and its row there. The message is
    // written only for a collège found again (an état of 10,000 rows wrote 10,000 of them).
    const present = new Map<string, { readonly where: string; readonly row: CollegeIdentity }>();
    const inBase = `dans l'état du ${formatShortDate(base.date)}`;
    for (const row of baseColleges) present.set(collegeKey(row), { where: inBase, row });
    for (const earlier of deploiements.slice(0, index)) {
      const earlierColleges = collegesOf(earlier);
      if (earlier.effet <= base.date || !earlierColleges) continue;
      const inEarlier = `par le déploiement ${quote(earlier.libelle)}`;
      for (const row of earlierColleges) present.set(collegeKey(row), { where: inEarlier, row });
    }
    for (const row of deployed) {
      const found = present.get(collegeKey(row));
      if (!found) continue;
      const where = `${found.where} (${describeRowPlace(found.row.place)})`;
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
    const etatColleges = etat && collegesOf(etat);
    const deployed = collegesOf(d);
    if (!etat || !etatColleges || !deployed || deployed.length === 0) continue;
    const inEtat = new Set(etatColleges.map(collegeKey));
    const missing = deployed.filter((row) => !inEtat.has(collegeKey(row)));
    if (missing.length === 0) continue;
    const name = (row: CollegeIdentity): string => `${row.commune} – ${row.college}`;
    const total = deployed.length;
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
