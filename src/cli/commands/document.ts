/**
 * `alses document ajouter --id … --modele … [--au …|--deploiement …]`: registers a document in
 * the catalogue of dispositif.yaml, which `alses render` produces (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { addDocument } from '../../jobs/dispositif.ts';
import { AlsesError } from '../../errors.ts';
import { nonEmptyPath, reportFailure } from '../shared.ts';

interface Args {
  data: string;
  id: string;
  modele: string;
  au?: string;
  deploiement?: string;
  deliberation?: string;
  annexe?: string;
}

const ajouter: CommandModule<object, Args> = {
  command: 'ajouter',
  describe: 'Inscrire un document (annexe) au catalogue de dispositif.yaml',
  builder: (y) =>
    y
      .strict()
      .option('data', { type: 'string', default: 'data', requiresArg: true, describe: 'Dossier de données (dispositif.yaml)', coerce: nonEmptyPath('data') })
      .option('id', { type: 'string', demandOption: 'Indiquez son identifiant : --id annexe-liste-juillet-2020', requiresArg: true, describe: 'Identifiant, qui nomme aussi les fichiers produits' })
      .option('modele', { type: 'string', demandOption: 'Indiquez le modèle : --modele annexe-liste', requiresArg: true, describe: 'Modèle (templates/<modele>.hbs), ex. annexe-liste, annexe-deploiement' })
      .option('au', { type: 'string', requiresArg: true, describe: 'Date de l\'état montré, AAAA-MM-JJ (annexe-liste)' })
      .option('deploiement', { type: 'string', requiresArg: true, describe: 'Déploiement montré (annexe-deploiement)' })
      .option('deliberation', { type: 'string', requiresArg: true, describe: 'Délibération à laquelle le document est annexé (une annexe de déploiement prend celle du déploiement)' })
      .option('annexe', { type: 'string', requiresArg: true, describe: 'Numéro de l\'annexe (ex. 1)' }) as never,
  handler: async (args) => {
    try {
      const annexe = args.annexe === undefined ? undefined : Number(args.annexe);
      if (annexe !== undefined && !(Number.isInteger(annexe) && annexe >= 1)) throw new AlsesError('USAGE', `--annexe « ${args.annexe} » invalide (attendu : un numéro entier, ex. 1)`);
      const { files } = await addDocument(args.data, { ...args, annexe });
      for (const f of files) process.stdout.write(`écrit : ${f}\n`);
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};

/** The `document` command and its sub-command `ajouter`. */
export const documentCommand: CommandModule = {
  command: 'document',
  describe: 'Catalogue des documents annexés aux délibérations (ajouter)',
  builder: (y) => y.command(ajouter).demandCommand(1, 'Indiquez une action : ajouter.').strict(),
  handler: () => undefined,
};
