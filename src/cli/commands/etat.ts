/**
 * `alses etat --au 2020-07-15 [--vers etats/2020-07-15.csv]`: writes the état on a date as
 * computed from the previous état and the deployments effective since, and registers it in
 * dispositif.yaml; the staff then edit only what changed (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { formatEtp } from '../../format.ts';
import { dataDirOption, optionalString, requiredString, plural, printWritten, runAction } from '../shared.ts';

interface Args {
  data: string;
  au: string;
  vers?: string;
}

/** The `etat` command. */
export const etatCommand: CommandModule<object, Args> = {
  ...usage('etat'),
  builder: (y) =>
    y
      .option('data', dataDirOption)
      .option('au', requiredString('Date du nouvel état, AAAA-MM-JJ', 'Indiquez la date du nouvel état : --au 2020-07-15'))
      .option('vers', optionalString('Fichier CSV à écrire, dans le dossier de données (défaut : etats/<date>.csv)')) as never,
  handler: (args) =>
    runAction(async () => {
      const { writeEtat } = await import('../../jobs/dispositif.ts');
      const { files, colleges, etp } = await writeEtat(args.data, args.au, args.vers);
      printWritten(files);
      process.stdout.write(`${plural(colleges, 'collège', 'collèges')}, ${formatEtp(etp)} ETP. Ouvrez ${files[0]} et corrigez ce qui a changé, puis lancez « alses validate ».\n`);
    }),
};
