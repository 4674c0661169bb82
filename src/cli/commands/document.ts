/**
 * `alses document ajouter --id … --modele … [--au …|--deploiement …]`: registers a document in
 * the catalogue of dispositif.yaml, which `alses render` produces (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { AlsesError } from '../../errors.ts';
import { dataDirOption, optionalString, requiredString, printWritten, runAction, withAjouter } from '../shared.ts';

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
      .option('data', dataDirOption)
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
      const { files } = await addDocument(args.data, { ...args, annexe });
      printWritten(files);
    }),
};

/** The `document` command and its sub-command `ajouter`. */
export const documentCommand: CommandModule = withAjouter('document', ajouter);
