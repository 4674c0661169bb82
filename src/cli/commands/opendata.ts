/**
 * `alses opendata [--vers fichier.csv]`: the délibérations as the SCDL « Délibérations » CSV
 * (src/opendata/deliberations.ts), on stdout or written atomically to `--vers`. Exit 1, nothing
 * written, when the data lacks a required field (the collectivité's SIRET, a délibération's
 * matière).
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { DISPOSITIF_FILE, isWorkbookPath, loadDataset } from '../../dataset/load.ts';
import { displayPath, hasErrors } from '../../diagnostics.ts';
import { InvalidInputError } from '../../errors.ts';
import { scdlDeliberationRows, serializeScdlCsv } from '../../opendata/deliberations.ts';
import { writeAtomic } from '../../output/atomic.ts';
import { nonEmptyPath, printDiagnostics, reportFailure, withDataOptions, type DataOptions } from '../shared.ts';

interface OpendataArgs extends DataOptions {
  vers?: string;
}

/** The `opendata` command. */
export const opendataCommand: CommandModule<object, OpendataArgs> = {
  ...usage('opendata'),
  builder: (y) =>
    withDataOptions(y).option('vers', { type: 'string', requiresArg: true, describe: 'Fichier CSV à écrire (par défaut : la sortie standard)', coerce: nonEmptyPath('vers') }) as never,
  handler: async (args) => {
    try {
      const { dataset, diagnostics } = await loadDataset(args.data);
      printDiagnostics(diagnostics);
      if (!dataset || hasErrors(diagnostics)) throw new InvalidInputError('Données invalides : aucun fichier écrit (voir alses validate).', []);
      const yaml = displayPath(path.join(isWorkbookPath(args.data) ? path.dirname(args.data) : args.data, DISPOSITIF_FILE));
      const csv = serializeScdlCsv(scdlDeliberationRows(dataset, yaml));
      if (args.vers === undefined) process.stdout.write(Buffer.from(csv));
      else {
        await writeAtomic(args.vers, csv);
        process.stderr.write(`écrit : ${args.vers}\n`);
      }
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
