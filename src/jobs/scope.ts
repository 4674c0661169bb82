/**
 * Validation scoped to what is asked (issue "Every deliberation, every year", item 5): a document
 * depends on some états and déploiements of dispositif.yaml; an error in another one does not
 * block it. `alses validate` still checks everything.
 */
import type { FaultyEntry } from '../dataset/load.ts';
import type { DispositifFile } from '../dataset/schema.ts';
import type { Diagnostic } from '../diagnostics.ts';

/** The entries a document reads: état dates and déploiement ids. */
export interface Dependencies {
  readonly etats: ReadonlySet<string>;
  readonly deploiements: ReadonlySet<string>;
}

/**
 * The entries of dispositif.yaml (all of them, faulty or not) that the state on `date` reads
 * (DESIGN.md: the latest état ≤ date, plus the deployments effective after it and ≤ date); with
 * `everythingUpTo`, every état and déploiement dated on or before `date` (objectifs count the
 * posts created since a date and the posts in place).
 */
export function stateDependencies(file: DispositifFile, date: string, everythingUpTo = false): Dependencies {
  const etats = file.etats.filter((e) => e.date <= date).sort((a, b) => (a.date < b.date ? -1 : 1));
  const latest = etats.at(-1)?.date;
  const deploiements = file.deploiements.filter((d) => d.effet <= date && (everythingUpTo || latest === undefined || d.effet > latest));
  return {
    etats: new Set(everythingUpTo ? etats.map((e) => e.date) : latest !== undefined ? [latest] : []),
    deploiements: new Set(deploiements.map((d) => d.id)),
  };
}

/** Union of dependencies. */
export function mergeDependencies(...all: readonly Dependencies[]): Dependencies {
  return { etats: new Set(all.flatMap((d) => [...d.etats])), deploiements: new Set(all.flatMap((d) => [...d.deploiements])) };
}

/** The faulty états and déploiements among a document's dependencies (a faulty catalogue document blocks only itself). */
export const blocking = (faulty: readonly FaultyEntry[], deps: Dependencies): FaultyEntry[] =>
  faulty.filter((f) => (f.kind === 'etat' ? deps.etats.has(f.key) : f.kind === 'deploiement' ? deps.deploiements.has(f.key) : false));

/**
 * The load's diagnostics once the documents of a run are known: errors of faulty entries no
 * document depends on become warnings that say so; every other diagnostic is kept as it is.
 */
export function scopeDiagnostics(diagnostics: readonly Diagnostic[], faulty: readonly FaultyEntry[], needed: readonly FaultyEntry[]): Diagnostic[] {
  const spared = new Map(faulty.filter((f) => !needed.includes(f)).flatMap((f) => f.errors.map((d) => [d, f] as const)));
  return diagnostics.map((d) => {
    const entry = spared.get(d);
    if (!entry) return d;
    const why = entry.kind === 'document' ? `le document « ${entry.key} » du catalogue, non demandé, n'est pas produit` : "les documents demandés n'utilisent pas ce fichier";
    return { ...d, severity: 'warning', message: `${d.message} — sans effet sur ce qui est demandé : ${why} ; « alses validate » le signale comme une erreur` };
  });
}
