/**
 * `alses document ajouter --id … --modele … [--au …|--deploiement …]`: registers a document in
 * the catalogue of dispositif.yaml, which `alses render` produces (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { AlsesError } from '../../errors.ts';
import { dataDirOption, nonEmptyPath, optionalString, requiredString, printWritten, runAction, withAjouter } from '../shared.ts';

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
      .option('data', dataDirOption)
      .option('templates', { type: 'string', default: 'templates', requiresArg: true, describe: 'Dossier des modèles (.hbs)', coerce: nonEmptyPath('templates') })
      .option('id', requiredString('Identifiant, qui nomme aussi les fichiers produits', 'Indiquez son identifiant : --id annexe-liste-juillet-2020'))
      .option('modele', requiredString('Modèle (templates/<modele>.hbs), ex. annexe-liste, annexe-deploiement', 'Indiquez le modèle : --modele annexe-liste'))
      .option('au', optionalString('Date de l\'état montré, AAAA-MM-JJ (annexe-liste)'))
      .option('deploiement', optionalString('Déploiement montré (annexe-deploiement)'))
      .option('deliberation', optionalString('Délibération à laquelle le document est annexé (une annexe de déploiement prend celle du déploiement)'))
      .option('annexe', optionalString('Numéro de l\'annexe (ex. 1)')) as never,
  handler: (args) =>
    runAction(async () => {
      const { addDocument } = await import('../../jobs/dispositif.ts');
      const annexe = args.annexe === undefined ? undefined : Number(args.annexe);
      if (annexe !== undefined && !(Number.isInteger(annexe) && annexe >= 1)) throw new AlsesError('USAGE', `--annexe « ${args.annexe} » invalide (attendu : un numéro entier, ex. 1)`);
      const { files } = await addDocument(args.data, { ...args, annexe }, args.templates);
      printWritten(files);
    }),
};

const supprimer: CommandModule<object, { data: string; id: string }> = {
  command: 'supprimer',
  describe: 'Retirer un document du catalogue de dispositif.yaml (ses fichiers déjà produits restent)',
  builder: (y) =>
    y
      .option('data', dataDirOption)
      .option('id', requiredString('Identifiant du document à retirer', 'Indiquez son identifiant : --id annexe-liste-juillet-2020')) as never,
  handler: (args) =>
    runAction(async () => {
      const { removeDocument } = await import('../../jobs/dispositif.ts');
      printWritten((await removeDocument(args.data, args.id)).files);
    }),
};

/** The `document` command and its sub-commands `ajouter` and `supprimer`. */
export const documentCommand: CommandModule = withAjouter('document', ajouter, supprimer);
