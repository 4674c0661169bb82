/**
 * `alses cles --vers <dossier>`: creates the Ed25519 key pair that signs manifests
 * (src/signature/manifest.ts) and explains, in French, how to keep it.
 */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { createKeyPair, PRIVATE_KEY_VARIABLE, PUBLIC_KEY_VARIABLE } from '../../signature/manifest.ts';
import { nonEmptyPath, reportFailure } from '../shared.ts';

interface ClesArgs {
  vers: string;
}

/** The `cles` command. */
export const clesCommand: CommandModule<object, ClesArgs> = {
  ...usage('cles'),
  builder: (y) =>
    y
      .option('vers', { type: 'string', requiresArg: true, demandOption: 'Indiquez le dossier des clés : --vers /etc/alses/cles', describe: 'Dossier où écrire les deux clés (hors du dossier de sortie)', coerce: nonEmptyPath('vers') }) as never,
  handler: async (args) => {
    try {
      const { privateKey, publicKey, fingerprint } = await createKeyPair(args.vers);
      process.stdout.write(
        [
          `Clé privée : ${privateKey} (droits 600 : lisible par vous seul)`,
          `Clé publique : ${publicKey}`,
          `Empreinte de la clé publique (SHA-256) : ${fingerprint}`,
          '',
          'À faire maintenant :',
          `- Gardez la clé privée sur le serveur de production, hors du dossier de sortie (out/), lisible seulement par le compte qui lance alses (chmod 600) ; ne l'envoyez jamais par courriel et ne la versez pas dans un dépôt.`,
          `- Sauvegardez-en une copie dans un coffre (support chiffré, coffre-fort de mots de passe) : perdue, elle ne se recrée pas ; il faudrait créer une nouvelle paire et redistribuer la clé publique.`,
          `- Indiquez-la aux productions : --cle-privee ${privateKey}, ou ${PRIVATE_KEY_VARIABLE}=${privateKey} (crontab, ou Environment= dans l'unité systemd).`,
          `- Diffusez la clé publique et son empreinte à ceux qui vérifient les documents : alses verify out --cle-publique ${publicKey} (ou ${PUBLIC_KEY_VARIABLE}).`,
          `- Si la clé privée a pu être copiée, créez une nouvelle paire, relancez les productions et prévenez ceux qui vérifient.`,
        ].join('\n') + '\n',
      );
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
