/**
 * `alses verify [dossier]`: recomputes the SHA-256 of every file of an output folder and lists
 * those changed, removed or added since its manifest was written. Exit 1 if any. A publication
 * interrupted there is repaired first (or, in a folder it cannot write, reported).
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { repairOrList } from '../../output/lock.ts';
import { verifyOutputs } from '../../output/verify.ts';
import { configuredKeyFile, loadPublicKey, PUBLIC_KEY_VARIABLE, verifyManifestSignature } from '../../signature/manifest.ts';
import { nonEmptyPath, plural, reportFailure } from '../shared.ts';

interface VerifyArgs {
  dossier: string;
  sources: boolean;
  clePublique?: string;
}

const LABEL = { changed: 'modifié', removed: 'supprimé', added: 'ajouté', outside: 'erreur', 'source-changed': 'source modifiée', 'source-missing': 'source absente' } as const;

/** The `verify` command. */
export const verifyCommand: CommandModule<object, VerifyArgs> = {
  ...usage('verify'),
  builder: (y) =>
    y
      .strict()
      .positional('dossier', { type: 'string', default: 'out', describe: 'Dossier de sortie à vérifier', normalize: true })
      .option('sources', { type: 'boolean', default: false, describe: 'Vérifier aussi que les données et modèles n\'ont pas changé depuis la production' })
      .option('cle-publique', { type: 'string', requiresArg: true, describe: `Clé publique Ed25519 qui vérifie la signature du manifeste (par défaut : ${PUBLIC_KEY_VARIABLE})`, coerce: nonEmptyPath('cle-publique') }) as never,
  handler: async (args) => {
    try {
      const keyFile = configuredKeyFile(args.clePublique, PUBLIC_KEY_VARIABLE);
      const publicKey = keyFile === undefined ? undefined : await loadPublicKey(keyFile);
      // A publication interrupted there (killed run) is completed or undone first (output/journal.ts).
      const interrupted = await repairOrList(args.dossier);
      for (const r of interrupted.remains) process.stdout.write(`interrompu  ${path.relative(args.dossier, r)}  reste d'une publication interrompue, non réparée : ${interrupted.reason ?? ''}\n`);
      const findings = await verifyOutputs(args.dossier, { sources: args.sources });
      for (const f of findings) process.stdout.write(`${LABEL[f.kind]}  ${f.path}  ${f.message}\n`);
      // The signature is what makes the manifest's hashes trustworthy: checked in every case.
      const signature = await verifyManifestSignature(args.dossier, publicKey);
      process.stdout.write(`${signature.message}\n`);
      process.stdout.write(findings.length ? `${plural(findings.length, 'différence', 'différences')} avec le manifeste.\n` : `Conforme au manifeste : aucun fichier modifié, supprimé ou ajouté.\n`);
      process.exitCode = findings.length || interrupted.remains.length || !signature.ok ? 1 : 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
