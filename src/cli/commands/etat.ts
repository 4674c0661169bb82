/**
 * `alses etat --au 2020-07-15 [--vers etats/2020-07-15.csv]`: writes the état on a date as
 * computed from the previous état and the deployments effective since, and registers it in
 * dispositif.yaml; the staff then edit only what changed (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { writeEtat } from '../../jobs/dispositif.ts';
import { formatEtp } from '../../format.ts';
import { nonEmptyPath, plural, reportFailure } from '../shared.ts';

interface Args {
  data: string;
  au: string;
  vers?: string;
}

/** The `etat` command. */
export const etatCommand: CommandModule<object, Args> = {
  command: 'etat',
  describe: 'Écrire le nouvel état à une date, calculé à partir du précédent et des déploiements',
  builder: (y) =>
    y
      .strict()
      .option('data', { type: 'string', default: 'data', requiresArg: true, describe: 'Dossier de données (dispositif.yaml)', coerce: nonEmptyPath('data') })
      .option('au', { type: 'string', demandOption: 'Indiquez la date du nouvel état : --au 2020-07-15', requiresArg: true, describe: 'Date du nouvel état, AAAA-MM-JJ' })
      .option('vers', { type: 'string', requiresArg: true, describe: 'Fichier CSV à écrire, dans le dossier de données (défaut : etats/<date>.csv)' }) as never,
  handler: async (args) => {
    try {
      const { files, colleges, etp } = await writeEtat(args.data, args.au, args.vers);
      for (const f of files) process.stdout.write(`écrit : ${f}\n`);
      process.stdout.write(`${plural(colleges, 'collège', 'collèges')}, ${formatEtp(etp)} ETP. Ouvrez ${files[0]} et corrigez ce qui a changé, puis lancez « alses validate ».\n`);
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
