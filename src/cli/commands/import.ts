/**
 * `alses import <source> --to <dossier> [--ecraser]`: runs the import job (src/jobs/import.ts),
 * which checks a workbook or a folder of CSV files, shows what changes in each file of the data
 * folder, and writes the canonical files — existing files only with `--ecraser`. Exit 1 and
 * nothing written on any error, or when existing files would change without `--ecraser`.
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { displayPath } from '../../diagnostics.ts';
import { BACKUP_FOLDER, runImport } from '../../jobs/import.ts';
import { describePlan } from '../../jobs/import-plan.ts';
import { checkWritableFolder } from '../../output/confine.ts';
import { plural, printDiagnostics, reportFailure } from '../shared.ts';
import { usage } from './index.ts';

interface ImportArgs {
  source: string;
  to: string;
  dispositif?: string;
  ecraser: boolean;
}

/** The `import` command. */
export const importCommand: CommandModule<object, ImportArgs> = {
  ...usage('import'),
  builder: (y) =>
    y
      .strict()
      .positional('source', { type: 'string', demandOption: true, normalize: true, describe: 'Classeur .xlsx (seules les feuilles qui changent), ou dossier de données (dispositif.yaml et CSV)' })
      .option('to', { type: 'string', demandOption: 'Indiquez le dossier de destination : --to data', normalize: true, describe: 'Dossier où écrire dispositif.yaml et les CSV ; un classeur le complète' })
      .option('ecraser', {
        type: 'boolean',
        default: false,
        describe: `Remplacer les fichiers existants qui changent (l'ancienne version est gardée dans <dossier>/${BACKUP_FOLDER}/)`,
      })
      .option('dispositif', {
        type: 'string',
        normalize: true,
        describe: 'Fichier dispositif.yaml à utiliser (défaut : celui qui est à côté du classeur, sinon celui du dossier --to)',
      })
      .example('alses import alses.xlsx --to data', 'montre ce qui change dans data/ ; n\'écrit que des fichiers nouveaux')
      .example('alses import alses.xlsx --to data --ecraser', 'écrit aussi les fichiers modifiés (anciennes versions dans data/.sauvegardes/)') as never,
  handler: async (args) => {
    try {
      await checkWritableFolder(args.to, '--to');
      const result = await runImport(args.source, args.to, { ...(args.dispositif !== undefined ? { dispositif: args.dispositif } : {}), overwrite: args.ecraser });
      printDiagnostics(result.diagnostics);
      if (!result.plan) {
        process.stderr.write('Aucun fichier écrit : corrigez les erreurs ci-dessus.\n');
        process.exitCode = 1;
        return;
      }
      const to = displayPath(path.resolve(args.to));
      process.stdout.write(`Import de ${displayPath(path.resolve(args.source))} dans ${to} :\n${describePlan(result.plan).join('\n')}\n`);
      const written = result.plan.filter((f) => f.status === 'new' || f.status === 'changed').length;
      switch (result.status) {
        case 'refused': {
          const changed = result.plan.filter((f) => f.status === 'changed').map((f) => f.relative);
          process.stderr.write(
            `alses : ${changed.length >= 2 ? `${changed.length} fichiers existants seraient modifiés` : '1 fichier existant serait modifié'} (${changed.join(', ')}) : aucun fichier écrit. ` +
              `Vérifiez les changements ci-dessus, puis relancez avec --ecraser pour les écrire (la version actuelle de chaque fichier remplacé sera gardée dans ${path.join(to, BACKUP_FOLDER)}/).\n`,
          );
          process.exitCode = 1;
          return;
        }
        case 'unchanged':
          process.stdout.write(`Rien à écrire : ${to} est déjà à jour.\n`);
          break;
        default:
          process.stdout.write(`Import terminé : ${plural(written, 'fichier écrit', 'fichiers écrits')} dans ${to}.\n`);
          if (result.backup) process.stdout.write(`Versions précédentes des fichiers remplacés : ${displayPath(result.backup)}\n`);
      }
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
