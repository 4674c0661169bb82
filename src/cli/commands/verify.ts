/**
 * `alses verify [dossier]`: recomputes the SHA-256 of every file of an output folder and lists
 * those changed, removed or added since its manifest was written. Exit 1 if any.
 */
import type { CommandModule } from 'yargs';
import { MANIFEST_FILE, verifyOutputs } from '../../output/manifest.ts';
import { plural, reportFailure } from '../shared.ts';

interface VerifyArgs {
  dossier: string;
  sources: boolean;
}

const LABEL = { changed: 'modifié', removed: 'supprimé', added: 'ajouté', 'source-changed': 'source modifiée', 'source-missing': 'source absente' } as const;

/** The `verify` command. */
export const verifyCommand: CommandModule<object, VerifyArgs> = {
  command: 'verify [dossier]',
  describe: `Vérifier qu'aucun fichier produit n'a été modifié, supprimé ou ajouté depuis (${MANIFEST_FILE})`,
  builder: (y) =>
    y
      .strict()
      .positional('dossier', { type: 'string', default: 'out', describe: 'Dossier de sortie à vérifier', normalize: true })
      .option('sources', { type: 'boolean', default: false, describe: 'Vérifier aussi que les données et modèles n\'ont pas changé depuis la production' }) as never,
  handler: async (args) => {
    try {
      const findings = await verifyOutputs(args.dossier, { sources: args.sources });
      for (const f of findings) process.stdout.write(`${LABEL[f.kind]}  ${f.path}  ${f.message}\n`);
      process.stdout.write(findings.length ? `${plural(findings.length, 'différence', 'différences')} avec le manifeste.\n` : `Conforme au manifeste : aucun fichier modifié, supprimé ou ajouté.\n`);
      process.exitCode = findings.length ? 1 : 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
