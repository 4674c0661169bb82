/** `alses templates`: lists the templates with their title and the data they need. */
import type { CommandModule } from 'yargs';
import { hasErrors } from '../../diagnostics.ts';
import { listTemplates } from '../../jobs/templates.ts';
import { printDiagnostics, withDataOptions, type DataOptions } from '../shared.ts';

/** The `templates` command. */
export const templatesCommand: CommandModule<object, DataOptions> = {
  command: 'templates',
  describe: 'Lister les modèles, leur titre et les données dont ils ont besoin',
  builder: (y) => withDataOptions(y),
  handler: async (args) => {
    const { templates, diagnostics } = await listTemplates(args.data, args.templates);
    for (const { template: t, title } of templates) {
      const fm = t.frontMatter;
      const needs = [
        fm.deliberation ? `délibération ${fm.deliberation}` : '',
        fm.data.etat ? `état ${fm.data.etat}` : '',
        fm.data.deploiement ? `déploiement ${fm.data.deploiement}` : '',
        fm.kind === 'rapport-mensuel' ? 'état à la fin du mois (alses monthly --month AAAA-MM)' : '',
      ].filter(Boolean);
      process.stdout.write(
        `${t.name}\n  titre : ${title}\n${fm.description ? `  description : ${fm.description}\n` : ''}  données : ${needs.join(', ') || 'aucune'}\n  fichier : ${t.file}\n`,
      );
    }
    printDiagnostics(diagnostics);
    process.exitCode = hasErrors(diagnostics) ? 1 : 0;
  },
};
