/**
 * `alses import <source> --to <dossier>`: runs the import job (src/jobs/import.ts), which checks a
 * workbook or a folder of CSV files and writes the canonical data folder. Exit 1 and nothing
 * written on any error.
 */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { runImport } from '../../jobs/import.ts';
import { reportFailure, reportWrites } from '../shared.ts';

interface ImportArgs {
  source: string;
  to: string;
  dispositif?: string;
}

/** The `import` command. */
export const importCommand: CommandModule<object, ImportArgs> = {
  ...usage('import'),
  builder: (y) =>
    y
      .strict()
      .positional('source', { type: 'string', demandOption: true, normalize: true, describe: 'Classeur .xlsx, ou dossier de données (dispositif.yaml et CSV)' })
      .option('to', { type: 'string', demandOption: 'Indiquez le dossier de destination : --to data', normalize: true, describe: 'Dossier où écrire dispositif.yaml et les CSV' })
      .option('dispositif', {
        type: 'string',
        normalize: true,
        describe: 'Fichier dispositif.yaml à utiliser (défaut : celui qui est à côté du classeur, ou dans le dossier)',
      }) as never,
  handler: async (args) => {
    try {
      const { files, diagnostics } = await runImport(args.source, args.to, args.dispositif !== undefined ? { dispositif: args.dispositif } : {});
      process.exitCode = reportWrites(diagnostics, files);
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
