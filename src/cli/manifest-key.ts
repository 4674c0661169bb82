/**
 * The `--cle-privee` option of the commands that write a manifest (render, monthly): the Ed25519
 * key that signs `manifest.json` (src/signature/manifest.ts), else `$ALSES_CLE_PRIVEE`, else
 * none (the manifest is left unsigned).
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import { MANIFEST_SIGNATURE_FILE } from '../output/manifest.ts';
import { configuredKeyFile, loadManifestKey, PRIVATE_KEY_VARIABLE, type ManifestKey } from '../signature/manifest.ts';
import { nonEmptyPath } from './shared.ts';

/** Arguments `withManifestKeyOption` adds. */
export interface ManifestKeyArgs {
  clePrivee?: string;
}

/** Adds `--cle-privee <fichier>`. */
export function withManifestKeyOption<T>(yargs: Argv<T>): Argv<T & ManifestKeyArgs> {
  return yargs.option('cle-privee', {
    type: 'string',
    requiresArg: true,
    describe: `Clé privée Ed25519 qui signe manifest.json (créée par alses cles, hors du dossier de sortie ; par défaut : ${PRIVATE_KEY_VARIABLE}, sinon manifeste non signé)`,
    coerce: nonEmptyPath('cle-privee'),
  }) as Argv<T & ManifestKeyArgs>;
}

/**
 * Loads the configured key for a run writing into `outDir`, printing its warnings on stderr.
 * @returns undefined when no key is configured.
 * @throws AlsesError USAGE when the configured key cannot be used (see loadManifestKey).
 */
export async function configuredManifestKey(option: string | undefined, outDir: string): Promise<ManifestKey | undefined> {
  const file = configuredKeyFile(option, PRIVATE_KEY_VARIABLE);
  if (file === undefined) return undefined;
  const { key, warnings } = await loadManifestKey(file, outDir);
  for (const w of warnings) process.stderr.write(`alses : ${w}\n`);
  return key;
}

/** The line a run prints once it signed the manifest of `outDir`. */
export const signedManifestLine = (outDir: string): string => `manifeste signé : ${path.join(outDir, MANIFEST_SIGNATURE_FILE)}\n`;
