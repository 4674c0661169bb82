/** `alses render [templates..]`: renders the annexes in PDF, DOCX and HTML into the output folder. */
import type { CommandModule } from 'yargs';
import { AlsesError } from '../../errors.ts';
import { runRender } from '../../jobs/render.ts';
import { FORMATS, type Format } from '../../jobs/serialize.ts';
import { nonEmptyPath, reportFailure, reportWrites, waitOption, withDataOptions, type DataOptions } from '../shared.ts';

interface RenderArgs extends DataOptions {
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
    withDataOptions(y)
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
      const { outputs, diagnostics } = await runRender({
        dataDir: args.data,
        templatesDir: args.templates,
        outDir: args.out,
        names: args.modeles,
        formats: args.format,
        waitMs: Math.max(0, args.wait) * 1000,
      });
      process.exitCode = reportWrites(diagnostics, outputs);
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
