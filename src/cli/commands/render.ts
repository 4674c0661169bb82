/** `alses render [templates..]`: renders the annexes in PDF, DOCX and HTML into the output folder. */
import { checkWritableFolder, inputFolders } from '../../output/confine.ts';
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { AlsesError } from '../../errors.ts';
import { FORMATS, type Format } from '../../writers/formats.ts';
import { askedThreads, POOL_MIN_ROWS, startBatchWorkers, threadCount, WORKERS_VARIABLE, type BatchWorkers } from '../../jobs/batch.ts';
import { configuredManifestKey, signedManifestLine, withManifestKeyOption, type ManifestKeyArgs } from '../manifest-key.ts';
import { showProgress } from '../progress.ts';
import { nonEmptyPath, reportFailure, reportWrites, waitOption, withDataOptions, type DataOptions } from '../shared.ts';

interface RenderArgs extends DataOptions, ManifestKeyArgs {
  documents: string[];
  au?: string;
  deploiement?: string;
  publieLe?: string;
  out: string;
  format: Format[];
  wait: number;
  travaux?: number;
}

/** The `render` command. */
export const renderCommand: CommandModule<object, RenderArgs> = {
  ...usage('render'),
  builder: (y) =>
    withManifestKeyOption(withDataOptions(y))
      .positional('documents', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Documents du catalogue (par leur id) ou modèles à produire (par défaut : tout le catalogue)',
      })
      .option('au', { type: 'string', requiresArg: true, describe: "Date de l'état montré, AAAA-MM-JJ (modèle qui la demande, ex. annexe-liste)" })
      .option('deploiement', { type: 'string', requiresArg: true, describe: 'Déploiement montré (modèle qui le demande, ex. annexe-deploiement)' })
      .option('publie-le', { type: 'string', requiresArg: true, describe: 'Date de publication imprimée en fin de document, AAAA-MM-JJ (« Publié le … »)' })
      .example('alses render', 'tous les documents du catalogue')
      .example('alses render annexe-liste --au 2020-09-30', "la liste des collèges au 30 septembre 2020")
      .example('alses render annexe-deploiement --deploiement rentree-2020', 'le déploiement de la rentrée 2020')
      .option('out', { type: 'string', requiresArg: true, default: 'out', describe: 'Dossier de sortie', coerce: nonEmptyPath('out') })
      .option('wait', waitOption(30, 'Secondes d\'attente si une autre production écrit dans le même dossier'))
      .option('travaux', {
        type: 'string',
        requiresArg: true,
        describe: `Documents produits en parallèle (1 : l'un après l'autre ; par défaut : ${WORKERS_VARIABLE}, sinon un par cœur, au plus 4, pour au moins ${POOL_MIN_ROWS.toLocaleString('fr-FR')} lignes de tableau, sinon 1)`,
        coerce: (v: unknown): number => threadCount(v, '--travaux'),
      })
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
    // The thread that takes the output folder's lock comes up while the documents are made (output/lock.ts).
    const lock = await import('../../output/lock.ts');
    lock.watchStop();
    const endLockThread = lock.warmLockKeeper(args.out);
    const endProgress = await showProgress();
    let workers: BatchWorkers | undefined;
    try {
      // Worker threads asked for come up (each loading its writer) while the data is read and
      // the documents made; not for one document named, which never uses them (jobs/batch.ts).
      const threads = askedThreads(args.travaux);
      if (threads !== undefined && args.documents.length !== 1) workers = await startBatchWorkers(threads, args.format);
      await checkWritableFolder(args.out, '--out', inputFolders(args.data, args.templates));
      const manifestKey = await configuredManifestKey(args.clePrivee, args.out);
      // Loaded here, not with the command: `alses render --help` loads no renderer.
      const { runRender } = await import('../../jobs/render.ts');
      const { outputs, diagnostics } = await runRender({
        dataDir: args.data,
        templatesDir: args.templates,
        outDir: args.out,
        names: args.documents,
        au: args.au,
        deploiement: args.deploiement,
        publication: args.publieLe,
        formats: args.format,
        waitMs: Math.max(0, args.wait) * 1000,
        manifestKey,
        threads: args.travaux,
        workers,
      });
      endProgress();
      process.exitCode = reportWrites(diagnostics, outputs);
      if (outputs && manifestKey) process.stdout.write(signedManifestLine(args.out));
    } catch (err) {
      endProgress();
      process.exitCode = reportFailure(err, { waits: true });
    } finally {
      await workers?.close();
      await endLockThread();
    }
  },
};
