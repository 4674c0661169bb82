/**
 * Signed manifest: each run that writes `manifest.json` signs its exact bytes with an Ed25519
 * private key (node:crypto) and writes the signature beside it, in `manifest.json.sig`; `alses
 * verify` checks it against the public key. Without the signature, anyone able to edit a
 * document could recompute its SHA-256 in the manifest; with it, they would also need the
 * private key, which is kept outside the output folder.
 *
 * Why a sidecar file rather than a field of the manifest: the signature covers the manifest's
 * bytes exactly as written (no canonical JSON to define and get right), the manifest keeps the
 * same bytes whether or not signing is configured (it holds no clock time and stays
 * reproducible), and older readers of the manifest are unaffected. Ed25519 signatures are
 * deterministic, so a re-run with the same manifest rewrites nothing.
 *
 * `manifest.json.sig` is JSON: `{ algorithm: "Ed25519", manifestSha256, publicKeySha256,
 * signature }` (hex SHA-256 of the manifest and of the public key's SPKI DER, signature in
 * base64). The two hashes only make messages precise (which key, which manifest version); the
 * signature alone decides.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AlsesError } from '../errors.ts';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, sha256 } from '../output/manifest.ts';
import { problemText, readRegularText } from '../output/json.ts';

/** Environment variable naming the private key file (`--cle-privee`). */
export const PRIVATE_KEY_VARIABLE = 'ALSES_CLE_PRIVEE';
/** Environment variable naming the public key file (`--cle-publique`). */
export const PUBLIC_KEY_VARIABLE = 'ALSES_CLE_PUBLIQUE';
/** File names `alses cles` writes. */
export const KEY_FILES = { private: 'cle-privee-manifeste.pem', public: 'cle-publique-manifeste.pem' } as const;

const signatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  publicKeySha256: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});
/** Contents of `manifest.json.sig`. */
export type ManifestSignature = z.infer<typeof signatureSchema>;

/** The private key a run signs its manifest with. */
export interface ManifestKey {
  /** Path, for messages. */
  readonly file: string;
  readonly key: KeyObject;
}

/** SHA-256 (hex) of a public key's SPKI DER: its fingerprint. */
export const publicKeyFingerprint = (key: KeyObject): string => sha256(key.export({ type: 'spki', format: 'der' }));

/**
 * The key file configured by an option, else by an environment variable (unset or empty:
 * none).
 */
export const configuredKeyFile = (option: string | undefined, variable: string, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  option ?? (env[variable]?.trim() ? env[variable] : undefined);

/**
 * Reads the Ed25519 private key `file` (PEM, PKCS#8) that runs writing into `outDir` sign with.
 * @returns the key, and a French warning when the file is readable by other users.
 * @throws AlsesError USAGE when the key is inside `outDir` (it would be published with the
 *   documents), missing, unreadable, or not an Ed25519 private key.
 */
export async function loadManifestKey(file: string, outDir: string): Promise<{ key: ManifestKey; warnings: string[] }> {
  const resolvedKey = await realpath(file).catch(() => path.resolve(file));
  const resolvedOut = await realpath(outDir).catch(() => path.resolve(outDir));
  const relative = path.relative(resolvedOut, resolvedKey);
  if (!relative.startsWith('..') && !path.isAbsolute(relative))
    throw new AlsesError('USAGE', `Clé privée « ${file} » placée dans le dossier de sortie « ${outDir} » : déplacez-la hors de ce dossier, qui est publié avec les documents`);
  const pem = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AlsesError('USAGE', err.code === 'ENOENT' ? `Clé privée « ${file} » introuvable (attendu : le fichier ${KEY_FILES.private} créé par alses cles ; voir --cle-privee ou ${PRIVATE_KEY_VARIABLE})` : `Clé privée « ${file} » illisible : ${err.message}`);
  });
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new AlsesError('USAGE', `Clé privée « ${file} » illisible (attendu : une clé privée Ed25519 au format PEM, créée par alses cles)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AlsesError('USAGE', `Clé privée « ${file} » de type ${key.asymmetricKeyType ?? 'inconnu'} (attendu : Ed25519, créée par alses cles)`);
  const mode = (await stat(file)).mode & 0o777;
  const warnings = process.platform !== 'win32' && mode & 0o077 ? [`attention : la clé privée « ${file} » est lisible par d'autres utilisateurs (droits ${mode.toString(8)}) ; rendez-la personnelle : chmod 600 ${file}`] : [];
  return { key: { file, key }, warnings };
}

/**
 * Reads the public key `file` (PEM, SPKI) that verifies manifests.
 * @throws AlsesError USAGE when the file is missing, unreadable or not an Ed25519 public key.
 */
export async function loadPublicKey(file: string): Promise<KeyObject> {
  const pem = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AlsesError('USAGE', err.code === 'ENOENT' ? `Clé publique « ${file} » introuvable (attendu : le fichier ${KEY_FILES.public} créé par alses cles ; voir --cle-publique ou ${PUBLIC_KEY_VARIABLE})` : `Clé publique « ${file} » illisible : ${err.message}`);
  });
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AlsesError('USAGE', `Clé publique « ${file} » illisible (attendu : une clé publique Ed25519 au format PEM, créée par alses cles)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AlsesError('USAGE', `Clé publique « ${file} » de type ${key.asymmetricKeyType ?? 'inconnu'} (attendu : Ed25519, créée par alses cles)`);
  return key;
}

/**
 * What a publication does to `outDir/manifest.json.sig` once the manifest holds `manifest`
 * (publish.ts writes both in one transaction): with a key, writes the signature of these bytes
 * (Ed25519 is deterministic: identical to the current one when the manifest did not change);
 * without one, removes a signature that would no longer match the manifest (it would only make
 * verify fail), keeps one that still does.
 * @returns `{ write }` the signature's bytes, `{ remove: true }`, or `{}` (leave it as it is).
 */
export async function plannedManifestSignature(outDir: string, manifest: Uint8Array, key: ManifestKey | undefined): Promise<{ write?: Uint8Array; remove?: true }> {
  if (!key) {
    const previous = await readSignatureFile(outDir).then((r) => (r.text === undefined ? undefined : new TextEncoder().encode(r.text)));
    if (!previous || parseSignature(previous)?.manifestSha256 === sha256(manifest)) return {};
    return { remove: true };
  }
  const record: ManifestSignature = {
    algorithm: 'Ed25519',
    manifestSha256: sha256(manifest),
    publicKeySha256: publicKeyFingerprint(createPublicKey(key.key)),
    signature: sign(null, manifest, key.key).toString('base64'),
  };
  return { write: new TextEncoder().encode(JSON.stringify(record, null, 2) + '\n') };
}

/** `manifest.json.sig`, read only if it is a regular file (never through a link, never a FIFO). */
const readSignatureFile = (outDir: string) => readRegularText(path.join(outDir, MANIFEST_SIGNATURE_FILE));

/** `manifest.json.sig`'s record, or undefined when it is not one. */
function parseSignature(bytes: Uint8Array): ManifestSignature | undefined {
  try {
    return signatureSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return undefined;
  }
}

/**
 * What verify says of an unsigned manifest: the hashes prove only that the documents agree with
 * the manifest — whoever can edit a document can edit the manifest too (issue 12).
 */
export const UNSIGNED_WARNING =
  `attention : manifeste non signé (aucun ${MANIFEST_SIGNATURE_FILE}) : verify ne prouve que la cohérence des documents avec le manifeste, pas leur authenticité ` +
  `(qui modifie un document peut aussi modifier le manifeste) ; pour l'authentifier, produisez avec --cle-privee (ou ${PRIVATE_KEY_VARIABLE}) et vérifiez avec --cle-publique`;

/** Verdict on a manifest's signature. `ok` false makes `alses verify` exit 1. */
export interface SignatureVerdict {
  readonly ok: boolean;
  /** `valid`, `invalid` (bad or unreadable signature), `unsigned`, `unchecked` (no public key). */
  readonly status: 'valid' | 'invalid' | 'unsigned' | 'unchecked';
  /** French sentence naming the cause. */
  readonly message: string;
}

/**
 * Checks `outDir/manifest.json.sig` against `publicKey`. Without a public key, an unsigned
 * manifest is a warning (`UNSIGNED_WARNING`), a signed one whose SHA-256 is still the one signed
 * is reported as not checked, and one edited since it was signed is a failure; with a key, a
 * missing signature is a failure (it may have been removed to hide an edit).
 */
export async function verifyManifestSignature(outDir: string, publicKey: KeyObject | undefined): Promise<SignatureVerdict> {
  const manifest = await readFile(path.join(outDir, MANIFEST_FILE));
  const read = await readSignatureFile(outDir);
  if (read.problem !== undefined && read.problem !== 'absent')
    return { ok: false, status: 'invalid', message: `Signature du manifeste illisible (${MANIFEST_SIGNATURE_FILE} : ${problemText(read)} ; attendu le fichier JSON écrit par alses render ou alses monthly)` };
  const raw = read.text === undefined ? undefined : new TextEncoder().encode(read.text);
  if (!raw)
    return publicKey
      ? { ok: false, status: 'unsigned', message: `Signature du manifeste absente (${MANIFEST_SIGNATURE_FILE}) alors qu'une clé publique est fournie : le manifeste n'est pas authentifié (signature supprimée, ou production lancée sans --cle-privee)` }
      : { ok: true, status: 'unsigned', message: UNSIGNED_WARNING };
  const record = parseSignature(raw);
  if (!record) return { ok: false, status: 'invalid', message: `Signature du manifeste illisible (${MANIFEST_SIGNATURE_FILE} : attendu le fichier JSON écrit par alses render ou alses monthly)` };
  // Without the public key, the signature cannot be checked, but a manifest edited after it was
  // signed no longer has the SHA-256 the signature records: that much is caught (issue 12).
  if (!publicKey)
    return record.manifestSha256 !== sha256(manifest)
      ? { ok: false, status: 'invalid', message: `Signature du manifeste invalide : le manifeste a été modifié après sa signature (SHA-256 signé ${record.manifestSha256.slice(0, 12)}…, trouvé ${sha256(manifest).slice(0, 12)}…) ; ni le manifeste ni les documents ne peuvent être tenus pour authentiques` }
      : { ok: true, status: 'unchecked', message: `attention : manifeste signé, signature non vérifiée : indiquez la clé publique avec --cle-publique (ou ${PUBLIC_KEY_VARIABLE}) ; sans elle, verify ne prouve que la cohérence des documents avec le manifeste` };
  const fingerprint = publicKeyFingerprint(publicKey);
  const valid = verify(null, manifest, publicKey, Buffer.from(record.signature, 'base64'));
  if (valid) return { ok: true, status: 'valid', message: `Signature du manifeste valide (clé Ed25519 ${fingerprint.slice(0, 16)}…)` };
  const cause =
    record.publicKeySha256 !== fingerprint
      ? `signé avec une autre clé (${record.publicKeySha256.slice(0, 16)}… ; clé fournie : ${fingerprint.slice(0, 16)}…)`
      : record.manifestSha256 !== sha256(manifest)
        ? 'le manifeste a été modifié après sa signature'
        : 'la signature ne correspond pas au manifeste (signature altérée)';
  return { ok: false, status: 'invalid', message: `Signature du manifeste invalide : ${cause} ; ni le manifeste ni les documents ne peuvent être tenus pour authentiques` };
}

/**
 * Creates an Ed25519 key pair in `dir` (created if needed): the private key (PEM, PKCS#8, mode
 * 0600) and the public key (PEM, SPKI). Never overwrites a file.
 * @returns the two paths and the public key's fingerprint.
 * @throws AlsesError USAGE when one of the files exists, or when `dir` is an output folder (it
 *   holds a `manifest.json`); OUTPUT when they cannot be written.
 */
export async function createKeyPair(dir: string): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  const privateFile = path.join(dir, KEY_FILES.private);
  const publicFile = path.join(dir, KEY_FILES.public);
  // An output folder (it holds a manifest) is published with the documents: the private key
  // would go with them, and render and monthly would refuse it there anyway.
  if (await stat(path.join(dir, 'manifest.json')).then(() => true, () => false))
    throw new AlsesError(
      'USAGE',
      `Dossier « ${dir} » refusé pour --vers : c'est un dossier de sortie (il contient manifest.json), publié avec les documents (attendu : un dossier à part, ex. --vers /etc/alses/cles)`,
    );
  for (const f of [privateFile, publicFile])
    if (await stat(f).then(() => true, () => false)) throw new AlsesError('USAGE', `« ${f} » existe déjà : une clé n'est jamais remplacée (choisissez un autre dossier avec --vers)`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    await mkdir(dir, { recursive: true });
    // `wx`: created here, by this run, with its mode from the start (no window where it is readable).
    await writeFile(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    await chmod(privateFile, 0o600);
    await writeFile(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  } catch (err) {
    throw new AlsesError('OUTPUT', `Écriture des clés dans « ${dir} » impossible : ${err instanceof Error ? err.message : String(err)}`);
  }
  return { privateKey: privateFile, publicKey: publicFile, fingerprint: publicKeyFingerprint(publicKey) };
}
