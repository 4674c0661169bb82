/**
 * `alses templates`: lists the documents of the catalogue (what `alses render` produces) and the
 * templates, with their title and the data or parameters they need.
 */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { hasErrors } from '../../diagnostics.ts';
import { listTemplates } from '../../jobs/templates.ts';
import { printDiagnostics, withDataOptions, type DataOptions } from '../shared.ts';

const PARAMETER_HELP = { au: '--au AAAA-MM-JJ (état à cette date)', deploiement: '--deploiement <id> (et sa délibération)' } as const;

/** The `templates` command. */
export const templatesCommand: CommandModule<object, DataOptions> = {
  ...usage('templates'),
  builder: (y) => withDataOptions(y),
  handler: async (args) => {
    const { catalogue, templates, diagnostics } = await listTemplates(args.data, args.templates);
    if (catalogue.length) {
      process.stdout.write('Documents du catalogue (dispositif.yaml, « alses render ») :\n\n');
      for (const { request: r, title } of catalogue) {
        const details = [
          `modèle ${r.template}`,
          r.au ? `état au ${r.au}` : '',
          r.deploiement ? `déploiement ${r.deploiement}` : '',
          r.deliberation ? `délibération ${r.deliberation}` : '',
          r.annexe !== undefined ? `annexe n° ${r.annexe}` : '',
        ].filter(Boolean);
        process.stdout.write(`${r.name}\n${title ? `  titre : ${title}\n` : ''}  ${details.join(', ')}\n`);
      }
      process.stdout.write('\nModèles (templates/) :\n\n');
    }
    for (const { template: t, title } of templates) {
      const fm = t.frontMatter;
      const needs = [
        fm.deliberation ? `délibération ${fm.deliberation}` : '',
        fm.data.etat ? `état ${fm.data.etat}` : '',
        fm.data.deploiement ? `déploiement ${fm.data.deploiement}` : '',
        fm.kind === 'rapport-mensuel' ? 'état à la fin du mois (alses monthly --month AAAA-MM)' : '',
      ].filter(Boolean);
      const parametres = fm.parametres.map((p) => PARAMETER_HELP[p]);
      process.stdout.write(
        `${t.name}\n  titre : ${title}\n${fm.description ? `  description : ${fm.description}\n` : ''}` +
          (parametres.length ? `  paramètres : ${parametres.join(', ')}\n` : `  données : ${needs.join(', ') || 'aucune'}\n`) +
          `  fichier : ${t.file}\n`,
      );
    }
    printDiagnostics(diagnostics);
    process.exitCode = hasErrors(diagnostics) ? 1 : 0;
  },
};
