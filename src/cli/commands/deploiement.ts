/**
 * `alses deploiement ajouter --id … --deliberation … --effet …`: registers a déploiement in
 * dispositif.yaml and creates its CSV file with the header row (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { editAction, optionalString, requiredString, withAjouter } from '../shared.ts';

const ajouter = editAction<{ data: string; id: string; libelle?: string; deliberation: string; effet: string; fichier?: string }>(
  'ajouter',
  'Inscrire un déploiement dans dispositif.yaml et créer son fichier CSV à remplir',
  {
    id: requiredString('Identifiant, ex. rentree-2020', 'Indiquez son identifiant : --id rentree-2020'),
    libelle: optionalString('Libellé imprimé, ex. « rentrée 2020 » (défaut : tiré de l\'identifiant)'),
    deliberation: requiredString('Identifiant de la délibération (déjà inscrite)', 'Indiquez la délibération qui le décide : --deliberation 2020-07-06'),
    effet: requiredString('Date d\'effet des postes, AAAA-MM-JJ (ex. la rentrée)', 'Indiquez la date d\'effet : --effet 2020-09-01'),
    fichier: optionalString('Fichier CSV, dans le dossier de données (défaut : deploiements/<id>.csv)'),
  },
  async (args) => {
    const { addDeploiement } = await import('../../jobs/dispositif.ts');
    const libelle = args.libelle ?? args.id.replace(/^rentree-/, 'rentrée ').replace(/-/g, ' ');
    const { files } = await addDeploiement(args.data, { ...args, libelle });
    return { files, next: `Saisissez une ligne par collège dans ${files[0]} (Commune;Collège;Éducation prioritaire;ETP), puis lancez « alses validate ».` };
  },
);

/** The `deploiement` command and its sub-command `ajouter`. */
export const deploiementCommand: CommandModule = withAjouter('deploiement', ajouter);
