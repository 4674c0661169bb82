/** `alses render [templates..]`: renders the annexes in PDF, DOCX and HTML into the output folder. */
import type { CommandModule } from 'yargs';
import { hasErrors } from '../../diagnostics.ts';
import { AlsesError } from '../../errors.ts';
import { withOutputLock } from '../../output.ts';
import { publish } from '../../publish.ts';
import { FORMATS, renderAll, type Format } from '../../reports/pipeline.ts';
import { configuredManifestKey, signedManifestLine, withManifestKeyOption, type ManifestKeyArgs } from '../manifest-key.ts';
import { nonEmptyPath, printDiagnostics, reportFailure, waitOption, withDataOptions, type DataOptions } from '../shared.ts';

interface RenderArgs extends DataOptions, ManifestKeyArgs {
  modeles: string[];
  out: string;
  format: Format[];
  wait: number;
}

/** The `render` command. */
export const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render [modeles..]',
  describe: 'Produire les annexes (PDF, DOCX, HTML) à partir des données et des modèles',
  builder: (y) =>
    withManifestKeyOption(withDataOptions(y))
      .positional('modeles', { type: 'string', array: true, default: [] as string[], describe: 'Modèles à produire (par défaut : toutes les annexes)' })
      .option('out', { type: 'string', requiresArg: true, default: 'out', describe: 'Dossier de sortie', coerce: nonEmptyPath('out') })
      .option('wait', waitOption(30, 'Secondes d\'attente si une autre production écrit dans le même dossier'))
      .option('format', {
        type: 'string',
        default: FORMATS.join(','),
        describe: `Formats à produire, séparés par des virgules (${FORMATS.join(', ')})`,
        coerce: (value: string | string[]): Format[] => {
          const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
          const bad = list.filter((v) => !(FORMATS as readonly string[]).includes(v));
          if (bad.length || list.length === 0)
            throw new AlsesError('USAGE', `Format « ${bad.join(', ') || value} » inconnu (attendu : ${FORMATS.join(', ')}, séparés par des virgules)`);
          return [...new Set(list)] as Format[];
        },
      }) as never,
  handler: async (args) => {
    try {
      const manifestKey = await configuredManifestKey(args.clePrivee, args.out);
      const { files, diagnostics } = await renderAll({ dataDir: args.data, templatesDir: args.templates, outDir: args.out, names: args.modeles, formats: args.format });
      printDiagnostics(diagnostics);
      if (hasErrors(diagnostics)) {
        process.stderr.write('Aucun fichier écrit : corrigez les erreurs ci-dessus.\n');
        process.exitCode = 1;
        return;
      }
      // Rendering needs no lock (nothing is written); publishing does.
      const results = await withOutputLock(args.out, Math.max(0, args.wait) * 1000, () => publish(args.out, files, manifestKey ? { manifestKey } : {}));
      for (const r of results) process.stdout.write(`${r.status === 'written' ? 'écrit' : 'inchangé'} : ${r.path}\n`);
      if (manifestKey) process.stdout.write(signedManifestLine(args.out));
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
