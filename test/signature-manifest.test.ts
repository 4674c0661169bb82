/**
 * Signed manifest: `alses cles` makes an Ed25519 key pair; render and monthly sign
 * `manifest.json` into `manifest.json.sig`; `alses verify --cle-publique` checks it, so an edit
 * of a document together with its hash in the manifest is caught, naming the signature.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_FILES, PRIVATE_KEY_VARIABLE, PUBLIC_KEY_VARIABLE } from '../src/signature/manifest.ts';
import { runCli } from './helpers/cli.ts';

let dir: string;
let out: string;
let keys: { private: string; public: string };
const saved = { private: process.env[PRIVATE_KEY_VARIABLE], public: process.env[PUBLIC_KEY_VARIABLE] };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  delete process.env[PRIVATE_KEY_VARIABLE];
  delete process.env[PUBLIC_KEY_VARIABLE];
  dir = await mkdtemp(path.join(tmpdir(), 'alses-manifeste-signe-'));
  out = path.join(dir, 'out');
  const run = await runCli(['cles', '--vers', path.join(dir, 'cles')]);
  expect(run.code).toBe(0);
  keys = { private: path.join(dir, 'cles', KEY_FILES.private), public: path.join(dir, 'cles', KEY_FILES.public) };
  expect((await runCli(['render', '--format', 'pdf', '--out', out, '--cle-privee', keys.private])).code).toBe(0);
}, 120_000);
afterAll(async () => {
  for (const [k, v] of [[PRIVATE_KEY_VARIABLE, saved.private], [PUBLIC_KEY_VARIABLE, saved.public]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the signed output folder, to damage. */
async function copyOut(name: string): Promise<string> {
  const copy = path.join(dir, name);
  await cp(out, copy, { recursive: true });
  return copy;
}

describe('alses cles', () => {
  it('writes a PEM key pair, the private key readable by its owner only, with French instructions', async () => {
    expect((await stat(keys.private)).mode & 0o777).toBe(0o600);
    expect(await readFile(keys.private, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readFile(keys.public, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('never replaces an existing key', async () => {
    const before = await readFile(keys.private);
    const run = await runCli(['cles', '--vers', path.join(dir, 'cles')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('existe déjà : une clé n\'est jamais remplacée');
    expect(await readFile(keys.private)).toEqual(before);
  });

  it('refuses an output folder (one that holds a manifest): the private key would be published with the documents', async () => {
    const run = await runCli(['cles', '--vers', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Dossier « ${out} » refusé pour --vers : c'est un dossier de sortie (il contient manifest.json)`);
    await expect(stat(path.join(out, KEY_FILES.private))).rejects.toThrow();
  });

  it('explains how to keep the keys', async () => {
    const run = await runCli(['cles', '--vers', path.join(dir, 'autres-cles')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hors du dossier de sortie');
    expect(run.stdout).toContain('Sauvegardez-en une copie');
    expect(run.stdout).toContain(`${PRIVATE_KEY_VARIABLE}=`);
    expect(run.stdout).toMatch(/Empreinte de la clé publique \(SHA-256\) : [0-9a-f]{64}/);
  });
});

describe('signing on render, verify with the public key', () => {
  it('signs the manifest beside it, and verify passes (exit 0)', async () => {
    const sig = JSON.parse(await readFile(path.join(out, 'manifest.json.sig'), 'utf8')) as Record<string, string>;
    expect(sig.algorithm).toBe('Ed25519');
    expect(sig.manifestSha256).toBe(sha(await readFile(path.join(out, 'manifest.json'))));
    const run = await runCli(['verify', out, '--cle-publique', keys.public]);
    expect(run.stdout).toContain('Signature du manifeste valide');
    expect(run.stdout).toContain('Conforme au manifeste');
    expect(run.code).toBe(0);
  });

  it('is idempotent: a re-run with the same data rewrites neither the manifest nor its signature', async () => {
    const before = await readFile(path.join(out, 'manifest.json.sig'));
    const run = await runCli(['render', '--format', 'pdf', '--out', out, '--cle-privee', keys.private]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('écrit : ');
    expect(run.stdout).toContain('manifeste signé : ');
    expect(await readFile(path.join(out, 'manifest.json.sig'))).toEqual(before);
  });

  it('takes the keys from ALSES_CLE_PRIVEE and ALSES_CLE_PUBLIQUE too (monthly)', async () => {
    const copy = await copyOut('mensuel');
    process.env[PRIVATE_KEY_VARIABLE] = keys.private;
    process.env[PUBLIC_KEY_VARIABLE] = keys.public;
    try {
      expect((await runCli(['monthly', '--month', '2019-07', '--out', copy])).code).toBe(0);
      const run = await runCli(['verify', copy]);
      expect(run.stdout).toContain('Signature du manifeste valide');
      expect(run.code).toBe(0);
    } finally {
      delete process.env[PRIVATE_KEY_VARIABLE];
      delete process.env[PUBLIC_KEY_VARIABLE];
    }
  }, 60_000);

  it('catches a document edited together with its hash in the manifest, naming the signature (exit 1)', async () => {
    const copy = await copyOut('falsifie');
    const name = 'annexe-liste-juillet-2019.pdf';
    const pdf = await readFile(path.join(copy, name));
    const forged = Buffer.concat([pdf, Buffer.from('% ajout\n')]);
    await writeFile(path.join(copy, name), forged);
    const manifest = JSON.parse(await readFile(path.join(copy, 'manifest.json'), 'utf8')) as { outputs: Record<string, { sha256: string; size: number }> };
    manifest.outputs[name]!.sha256 = sha(forged);
    manifest.outputs[name]!.size = forged.byteLength;
    await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

    // Without the public key the manifest no longer has the SHA-256 the signature records (issue 12).
    const unkeyed = await runCli(['verify', copy]);
    expect(unkeyed.code).toBe(1);
    expect(unkeyed.stdout).toContain('Signature du manifeste invalide : le manifeste a été modifié après sa signature');
    const run = await runCli(['verify', copy, '--cle-publique', keys.public]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Signature du manifeste invalide : le manifeste a été modifié après sa signature');
  });

  it('catches a removed signature when the public key is given, and a signature by another key', async () => {
    const copy = await copyOut('sans-signature');
    await unlink(path.join(copy, 'manifest.json.sig'));
    const removed = await runCli(['verify', copy, '--cle-publique', keys.public]);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain('Signature du manifeste absente');

    const other = path.join(dir, 'autres-cles', KEY_FILES.public);
    const wrongKey = await runCli(['verify', out, '--cle-publique', other]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain('Signature du manifeste invalide : signé avec une autre clé');
  });

  it('says an unsigned manifest is unsigned, without failing when no key is given', async () => {
    const unsigned = path.join(dir, 'non-signe');
    expect((await runCli(['render', 'annexe-liste-juillet-2019', '--format', 'html', '--out', unsigned])).code).toBe(0);
    const run = await runCli(['verify', unsigned]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('attention : manifeste non signé');
  });

  it('drops a signature that no longer matches when a run has no key', async () => {
    const copy = await copyOut('relance-sans-cle');
    expect((await runCli(['render', 'annexe-liste-juillet-2019', '--format', 'html', '--out', copy])).code).toBe(0);
    await expect(readFile(path.join(copy, 'manifest.json.sig'))).rejects.toThrow();
    expect((await runCli(['verify', copy])).stdout).toContain('attention : manifeste non signé');
  });
});

describe('key errors, in French', () => {
  it('names a missing private key (exit 2) and writes nothing', async () => {
    const target = path.join(dir, 'jamais');
    const run = await runCli(['render', '--format', 'pdf', '--out', target, '--cle-privee', path.join(dir, 'absente.pem')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Clé privée « ${path.join(dir, 'absente.pem')} » introuvable`);
    await expect(stat(target)).rejects.toThrow();
  });

  it('names a missing public key (exit 2)', async () => {
    const run = await runCli(['verify', out, '--cle-publique', path.join(dir, 'absente.pub.pem')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Clé publique');
    expect(run.stderr).toContain('introuvable');
  });

  it('refuses a private key kept inside the output folder', async () => {
    const copy = await copyOut('cle-dedans');
    await cp(keys.private, path.join(copy, 'cle.pem'));
    const run = await runCli(['render', '--format', 'pdf', '--out', copy, '--cle-privee', path.join(copy, 'cle.pem')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('placée dans le dossier de sortie');
  });

  it('refuses a file that is not an Ed25519 key', async () => {
    const bad = path.join(dir, 'pas-une-cle.pem');
    await writeFile(bad, 'bonjour\n');
    const run = await runCli(['render', '--format', 'pdf', '--out', path.join(dir, 'jamais2'), '--cle-privee', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('attendu : une clé privée Ed25519 au format PEM');
  });
});
