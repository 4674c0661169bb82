/**
 * `alses deliberation ajouter --date … --objet …`: registers a délibération in dispositif.yaml
 * (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { addDeliberation } from '../../jobs/dispositif.ts';
import { nonEmptyPath, reportFailure } from '../shared.ts';

interface Args {
  data: string;
  date: string;
  objet: string;
  id?: string;
  numero?: string;
  instance?: string;
}

const ajouter: CommandModule<object, Args> = {
  command: 'ajouter',
  describe: 'Inscrire une délibération dans dispositif.yaml',
  builder: (y) =>
    y
      .strict()
      .option('data', { type: 'string', default: 'data', requiresArg: true, describe: 'Dossier de données (dispositif.yaml)', coerce: nonEmptyPath('data') })
      .option('date', { type: 'string', demandOption: 'Indiquez la date de la délibération : --date 2020-07-06', requiresArg: true, describe: 'Date de la délibération, AAAA-MM-JJ' })
      .option('objet', { type: 'string', demandOption: 'Indiquez son objet : --objet "…"', requiresArg: true, describe: 'Ce que décide la délibération, tel que publié' })
      .option('id', { type: 'string', requiresArg: true, describe: 'Identifiant (défaut : la date)' })
      .option('numero', { type: 'string', requiresArg: true, describe: 'Numéro tel que la collectivité l\'écrit (facultatif)' })
      .option('instance', { type: 'string', requiresArg: true, describe: 'Instance (ex. Commission permanente ; facultatif)' }) as never,
  handler: async (args) => {
    try {
      const { files } = await addDeliberation(args.data, args);
      for (const f of files) process.stdout.write(`écrit : ${f}\n`);
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};

/** The `deliberation` command and its sub-command `ajouter`. */
export const deliberationCommand: CommandModule = {
  command: 'deliberation',
  describe: 'Délibérations du dispositif (ajouter)',
  builder: (y) => y.command(ajouter).demandCommand(1, 'Indiquez une action : ajouter.').strict(),
  handler: () => undefined,
};
