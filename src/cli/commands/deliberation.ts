/**
 * `alses deliberation ajouter --date … --objet …`: registers a délibération in dispositif.yaml
 * (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { dataDirOption, optionalString, requiredString, printWritten, runAction, withAjouter } from '../shared.ts';

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
      .option('data', dataDirOption)
      .option('date', requiredString('Date de la délibération, AAAA-MM-JJ', 'Indiquez la date de la délibération : --date 2020-07-06'))
      .option('objet', requiredString('Ce que décide la délibération, tel que publié', 'Indiquez son objet : --objet "…"'))
      .option('id', optionalString('Identifiant (défaut : la date)'))
      .option('numero', optionalString('Numéro tel que la collectivité l\'écrit (facultatif)'))
      .option('instance', optionalString('Instance (ex. Commission permanente ; facultatif)')) as never,
  handler: (args) =>
    runAction(async () => {
      const { addDeliberation } = await import('../../jobs/dispositif.ts');
      const { files } = await addDeliberation(args.data, args);
      printWritten(files);
    }),
};

/** The `deliberation` command and its sub-command `ajouter`. */
export const deliberationCommand: CommandModule = withAjouter('deliberation', ajouter);
