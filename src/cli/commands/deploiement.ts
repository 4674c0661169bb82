/**
 * `alses deploiement ajouter --id … --deliberation … --effet …`: registers a déploiement in
 * dispositif.yaml and creates its CSV file with the header row (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { addDeploiement } from '../../jobs/dispositif.ts';
import { nonEmptyPath, reportFailure } from '../shared.ts';

interface Args {
  data: string;
  id: string;
  libelle?: string;
  deliberation: string;
  effet: string;
  fichier?: string;
}

const ajouter: CommandModule<object, Args> = {
  command: 'ajouter',
  describe: 'Inscrire un déploiement dans dispositif.yaml et créer son fichier CSV à remplir',
  builder: (y) =>
    y
      .strict()
      .option('data', { type: 'string', default: 'data', requiresArg: true, describe: 'Dossier de données (dispositif.yaml)', coerce: nonEmptyPath('data') })
      .option('id', { type: 'string', demandOption: 'Indiquez son identifiant : --id rentree-2020', requiresArg: true, describe: 'Identifiant, ex. rentree-2020' })
      .option('libelle', { type: 'string', requiresArg: true, describe: 'Libellé imprimé, ex. « rentrée 2020 » (défaut : tiré de l\'identifiant)' })
      .option('deliberation', { type: 'string', demandOption: 'Indiquez la délibération qui le décide : --deliberation 2020-07-06', requiresArg: true, describe: 'Identifiant de la délibération (déjà inscrite)' })
      .option('effet', { type: 'string', demandOption: 'Indiquez la date d\'effet : --effet 2020-09-01', requiresArg: true, describe: 'Date d\'effet des postes, AAAA-MM-JJ (ex. la rentrée)' })
      .option('fichier', { type: 'string', requiresArg: true, describe: 'Fichier CSV, dans le dossier de données (défaut : deploiements/<id>.csv)' }) as never,
  handler: async (args) => {
    try {
      const libelle = args.libelle ?? args.id.replace(/^rentree-/, 'rentrée ').replace(/-/g, ' ');
      const { files } = await addDeploiement(args.data, { ...args, libelle });
      for (const f of files) process.stdout.write(`écrit : ${f}\n`);
      process.stdout.write(`Saisissez une ligne par collège dans ${files[0]} (Commune;Collège;Éducation prioritaire;ETP), puis lancez « alses validate ».\n`);
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};

/** The `deploiement` command and its sub-command `ajouter`. */
export const deploiementCommand: CommandModule = {
  command: 'deploiement',
  describe: 'Déploiements de postes (ajouter)',
  builder: (y) => y.command(ajouter).demandCommand(1, 'Indiquez une action : ajouter.').strict(),
  handler: () => undefined,
};
