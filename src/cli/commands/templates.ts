/** `alses templates`: lists the templates with their title and the data they need. */
import type { CommandModule } from 'yargs';
import { printDiagnostics, withDataOptions, type DataOptions } from '../shared.ts';
import { loadTemplates } from '../../templates/environment.ts';
import { hasErrors } from '../../diagnostics.ts';

/** The `templates` command. */
export const templatesCommand: CommandModule<object, DataOptions> = {
  command: 'templates',
  describe: 'Lister les modèles, leur titre et les données dont ils ont besoin',
  builder: (y) => withDataOptions(y),
  handler: async (args) => {
    const set = await loadTemplates(args.templates);
    for (const t of set.templates) {
      const fm = t.frontMatter;
      const needs = [
        fm.deliberation ? `délibération ${fm.deliberation}` : '',
        fm.data.etat ? `état ${fm.data.etat}` : '',
        fm.data.deploiement ? `déploiement ${fm.data.deploiement}` : '',
        fm.kind === 'rapport-mensuel' ? 'état du mois (--month)' : '',
      ].filter(Boolean);
      process.stdout.write(`${t.name}\n  titre : ${fm.title}\n  ${fm.description ? `description : ${fm.description}\n  ` : ''}données : ${needs.join(', ') || 'aucune'}\n  fichier : ${t.file}\n`);
    }
    printDiagnostics(set.diagnostics);
    process.exitCode = hasErrors(set.diagnostics) ? 1 : 0;
  },
};
