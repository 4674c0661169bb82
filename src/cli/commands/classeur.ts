/**
 * `alses classeur --au 2020-07-15 [--vers classeur-2020-07-15.xlsx]`: writes the starting
 * workbook of a new état (src/jobs/classeur.ts), which the staff correct and import (README,
 * « Chaque année », « Avec un classeur »).
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

/** The `classeur` command. */
export const classeurCommand: CommandModule<object, Args> = {
  ...usage('classeur'),
  builder: (y) =>
    y
      .option('data', dataDirOption)
      .option('au', requiredString("Date de l'état, AAAA-MM-JJ (calculé à partir du précédent et des déploiements effectifs depuis)", "Indiquez la date de l'état : --au 2020-07-15"))
      .option('vers', optionalString('Classeur à écrire (défaut : classeur-<date>.xlsx dans le dossier courant)'))
      .example('alses classeur --au 2020-07-15', "l'état au 15 juillet 2020, à corriger puis importer (alses import classeur-2020-07-15.xlsx --to data)") as never,
  handler: (args) =>
    runAction(async () => {
      const { workbookName, writeStartingWorkbook } = await import('../../jobs/classeur.ts');
      const { isIsoDate } = await import('../../dates.ts');
      const file = args.vers ?? (isIsoDate(args.au) ? workbookName(args.au) : 'classeur.xlsx');
      const made = await writeStartingWorkbook(args.data, args.au, file);
      printWritten([made.file]);
      process.stdout.write(
        `Feuille « ${made.sheet} » : ${plural(made.colleges, 'collège', 'collèges')}, ${formatEtp(made.etp)} ETP. ` +
          `Corrigez ce qui a changé, ajoutez la délibération, le déploiement et sa feuille « Déploiement <id> », puis lancez « alses import ${made.file} --to ${args.data} ».\n`,
      );
    }),
};
