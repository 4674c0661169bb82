/** `alses templates`: lists the templates with their title and the data they need. */
import type { CommandModule } from 'yargs';
import { loadDataset } from '../../dataset/load.ts';
import { hasErrors } from '../../diagnostics.ts';
import { renderTemplate } from '../../templates/render.ts';
import { loadTemplates, type LoadedTemplate } from '../../templates/environment.ts';
import { printDiagnostics, withDataOptions, type DataOptions } from '../shared.ts';

/** The `templates` command. */
export const templatesCommand: CommandModule<object, DataOptions> = {
  command: 'templates',
  describe: 'Lister les modèles, leur titre et les données dont ils ont besoin',
  builder: (y) => withDataOptions(y),
  handler: async (args) => {
    const [set, data] = await Promise.all([loadTemplates(args.templates), loadDataset(args.data)]);
    /** The title as printed when the data allows rendering it, else the front matter's text. */
    const titleOf = (t: LoadedTemplate): string => {
      if (!data.dataset || t.frontMatter.kind !== 'annexe') return t.frontMatter.title;
      try {
        return renderTemplate(data.dataset, set, t).rendered?.document.meta.title ?? t.frontMatter.title;
      } catch {
        return t.frontMatter.title;
      }
    };
    for (const t of set.templates) {
      const fm = t.frontMatter;
      const needs = [
        fm.deliberation ? `délibération ${fm.deliberation}` : '',
        fm.data.etat ? `état ${fm.data.etat}` : '',
        fm.data.deploiement ? `déploiement ${fm.data.deploiement}` : '',
        fm.kind === 'rapport-mensuel' ? 'état à la fin du mois (alses monthly --month AAAA-MM)' : '',
      ].filter(Boolean);
      process.stdout.write(
        `${t.name}\n  titre : ${titleOf(t)}\n${fm.description ? `  description : ${fm.description}\n` : ''}  données : ${needs.join(', ') || 'aucune'}\n  fichier : ${t.file}\n`,
      );
    }
    printDiagnostics(set.diagnostics);
    process.exitCode = hasErrors(set.diagnostics) ? 1 : 0;
  },
};
