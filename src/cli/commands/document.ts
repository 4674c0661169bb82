/**
 * `alses document ajouter --id … --modele … [--au …|--deploiement …]`: registers a document in
 * the catalogue of dispositif.yaml, which `alses render` produces (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { addDocument, removeDocument } from '../../jobs/dispositif.ts';
import { AlsesError } from '../../errors.ts';
import { nonEmptyPath, reportFailure } from '../shared.ts';

interface Args {
  data: string;
  templates: string;
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
      .option('templates', { type: 'string', default: 'templates', requiresArg: true, describe: 'Dossier des modèles (.hbs)', coerce: nonEmptyPath('templates') })
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
      const { files } = await addDocument(args.data, { ...args, annexe }, args.templates);
      for (const f of files) process.stdout.write(`écrit : ${f}\n`);
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};

const supprimer: CommandModule<object, { data: string; id: string }> = {
  command: 'supprimer',
  describe: 'Retirer un document du catalogue de dispositif.yaml (ses fichiers déjà produits restent)',
  builder: (y) =>
    y
      .strict()
      .option('data', { type: 'string', default: 'data', requiresArg: true, describe: 'Dossier de données (dispositif.yaml)', coerce: nonEmptyPath('data') })
      .option('id', { type: 'string', demandOption: 'Indiquez son identifiant : --id annexe-liste-juillet-2020', requiresArg: true, describe: 'Identifiant du document à retirer' }) as never,
  handler: async (args) => {
    try {
      const { files } = await removeDocument(args.data, args.id);
      for (const f of files) process.stdout.write(`écrit : ${f}\n`);
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};

/** The `document` command and its sub-commands `ajouter` and `supprimer`. */
export const documentCommand: CommandModule = {
  command: 'document',
  describe: 'Catalogue des documents annexés aux délibérations (ajouter, supprimer)',
  builder: (y) => y.command(ajouter).command(supprimer).demandCommand(1, 'Indiquez une action : ajouter ou supprimer.').strict(),
  handler: () => undefined,
};
