/** `alses validate`: checks the data and the templates, lists every problem, exit 1 on any error. */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { hasErrors, sortDiagnostics } from '../../diagnostics.ts';
import { validateInputs } from '../../jobs/validate.ts';
import { nonEmptyPath, plural, printDiagnostics, withDataOptions, type DataOptions } from '../shared.ts';

interface ValidateArgs extends DataOptions {
  format: 'texte' | 'json';
  classeur?: string;
}

/** The `validate` command. */
export const validateCommand: CommandModule<object, ValidateArgs> = {
  ...usage('validate'),
  builder: (y) =>
    withDataOptions(y)
      .option('format', {
        choices: ['texte', 'json'] as const,
        default: 'texte' as const,
        describe: 'Format du rapport : texte lisible ou JSON pour d\'autres outils',
      })
      .option('classeur', {
        type: 'string',
        requiresArg: true,
        coerce: nonEmptyPath('classeur'),
        describe: 'Classeur .xlsx à vérifier par-dessus le dossier --data : ses feuilles remplacent les états et déploiements qu\'elles nomment (ce qu\'écrirait alses import)',
      })
      .example('alses validate', 'vérifie data/ (dispositif.yaml et fichiers CSV) et templates/')
      .example('alses validate --data alses.xlsx', 'vérifie un classeur Excel (dispositif.yaml lu à côté du classeur)')
      .example('alses validate --data data --classeur alses.xlsx', 'vérifie data/ complété par le classeur (qui peut ne contenir que les feuilles modifiées)')
      .example('alses validate --format json', 'le même rapport en JSON : valide, problemes[] avec règle, message et emplacement'),
  handler: async (args) => {
    const { dataset, diagnostics } = await validateInputs(args.data, args.templates, args.classeur !== undefined ? { classeur: args.classeur } : {});
    if (args.format === 'json') {
      process.stdout.write(JSON.stringify({ valide: !hasErrors(diagnostics), problemes: sortDiagnostics(diagnostics) }, null, 2) + '\n');
    } else {
      printDiagnostics(diagnostics);
      if (dataset && !hasErrors(diagnostics)) {
        const rows = dataset.etats.reduce((n, e) => n + e.rows.length, 0) + dataset.deploiements.reduce((n, d) => n + d.rows.length, 0);
        process.stdout.write(
          `Données valides : ${plural(dataset.etats.length, 'état', 'états')}, ${plural(dataset.deploiements.length, 'déploiement', 'déploiements')}, ${plural(rows, 'ligne', 'lignes')}.\n`,
        );
      }
    }
    process.exitCode = hasErrors(diagnostics) ? 1 : 0;
  },
};
