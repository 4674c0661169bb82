/**
 * `alses deliberation ajouter --date … --objet …`: registers a délibération in dispositif.yaml
 * (README, "Chaque année").
 */
import type { CommandModule } from 'yargs';
import { editAction, optionalString, requiredString, withAjouter } from '../shared.ts';

const ajouter = editAction<{ data: string; date: string; objet: string; id?: string; numero?: string; instance?: string }>(
  'ajouter',
  'Inscrire une délibération dans dispositif.yaml',
  {
    date: requiredString('Date de la délibération, AAAA-MM-JJ', 'Indiquez la date de la délibération : --date 2020-07-06'),
    objet: requiredString('Ce que décide la délibération, tel que publié', 'Indiquez son objet : --objet "…"'),
    id: optionalString('Identifiant (défaut : la date)'),
    numero: optionalString('Numéro tel que la collectivité l\'écrit (facultatif)'),
    instance: optionalString('Instance (ex. Commission permanente ; facultatif)'),
  },
  async (args) => (await import('../../jobs/dispositif.ts')).addDeliberation(args.data, args),
);

/** The `deliberation` command and its sub-command `ajouter`. */
export const deliberationCommand: CommandModule = withAjouter('deliberation', ajouter);
