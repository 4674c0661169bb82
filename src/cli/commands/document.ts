/**
 * `alses document ajouter --id … --modele … [--au …|--deploiement …]` and `alses document
 * supprimer --id …`: the catalogue of dispositif.yaml, which `alses render` produces (README,
 * "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { editAction, nonEmptyPath, optionalString, requiredString, withAjouter } from '../shared.ts';

const ajouter = editAction<{ data: string; templates: string; id: string; modele: string; au?: string; deploiement?: string; deliberation?: string; annexe?: string }>(
  'ajouter',
  'Inscrire un document (annexe) au catalogue de dispositif.yaml',
  {
    templates: { type: 'string', default: 'templates', requiresArg: true, describe: 'Dossier des modèles (.hbs)', coerce: nonEmptyPath('templates') },
    id: requiredString('Identifiant, qui nomme aussi les fichiers produits', 'Indiquez son identifiant : --id annexe-liste-juillet-2020'),
    modele: requiredString('Modèle (templates/<modele>.hbs), ex. annexe-liste, annexe-deploiement', 'Indiquez le modèle : --modele annexe-liste'),
    au: optionalString('Date de l\'état montré, AAAA-MM-JJ (annexe-liste)'),
    deploiement: optionalString('Déploiement montré (annexe-deploiement)'),
    deliberation: optionalString('Délibération à laquelle le document est annexé (une annexe de déploiement prend celle du déploiement)'),
    annexe: optionalString('Numéro de l\'annexe (ex. 1)'),
  },
  async (args) => (await import('../../jobs/dispositif.ts')).addDocument(args.data, args, args.templates),
);

const supprimer = editAction<{ data: string; id: string }>(
  'supprimer',
  'Retirer un document du catalogue de dispositif.yaml (ses fichiers déjà produits restent)',
  { id: requiredString('Identifiant du document à retirer', 'Indiquez son identifiant : --id annexe-liste-juillet-2020') },
  async (args) => (await import('../../jobs/dispositif.ts')).removeDocument(args.data, args.id),
);

/** The `document` command and its sub-commands `ajouter` and `supprimer`. */
export const documentCommand: CommandModule = withAjouter('document', ajouter, supprimer);
