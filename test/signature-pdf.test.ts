/**
 * `alses signer`: PAdES B-B signature of a produced annex, checked with poppler's pdfsig (valid
 * signature, whole document signed, tampering detected) and PDFBox Preflight (still PDF/A-1b).
 * The certificate is self-signed and made at run time, so pdfsig says its issuer is not trusted:
 * expected, and not what these tests are about.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePassword, PASSWORD_VARIABLE } from '../src/signature/password.ts';
import { makeTestCertificate, pdfsig, type TestCertificate } from './helpers/certificate.ts';
import { runCli } from './helpers/cli.ts';
import { preflight } from './helpers/pdfa.ts';

const ANNEXE = 'annexe-deploiement-rentree-2019.pdf';
let dir: string;
let cert: TestCertificate;
let unsigned: Buffer;
const savedPassword = process.env[PASSWORD_VARIABLE];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-signer-'));
  cert = await makeTestCertificate(dir);
  process.env[PASSWORD_VARIABLE] = cert.password;
  expect((await runCli(['render', 'annexe-deploiement-rentree-2019', '--format', 'pdf', '--out', path.join(dir, 'out')])).code).toBe(0);
  unsigned = await readFile(path.join(dir, 'out', ANNEXE));
}, 60_000);
afterAll(async () => {
  if (savedPassword === undefined) delete process.env[PASSWORD_VARIABLE];
  else process.env[PASSWORD_VARIABLE] = savedPassword;
  await rm(dir, { recursive: true, force: true });
});

describe('alses signer', () => {
  it('signs an annex as an incremental update that pdfsig finds valid, covering the whole document', async () => {
    const target = path.join(dir, 'signee.pdf');
    const run = await runCli(['signer', path.join(dir, 'out', ANNEXE), '--certificat', cert.p12, '--vers', target, '--lieu', 'Lille']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`signé : ${target}\n`);
    const signed = await readFile(target);
    // Incremental: the first revision is the unsigned file, byte for byte; the source is untouched.
    expect(signed.subarray(0, unsigned.byteLength).equals(unsigned)).toBe(true);
    expect((await readFile(path.join(dir, 'out', ANNEXE))).equals(unsigned)).toBe(true);
    const report = await pdfsig(target);
    expect(report.stdout).toContain('Signature Validation: Signature is Valid');
    expect(report.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report.stdout).toContain('Total document signed');
    expect(report.stdout).toContain(`Signer Certificate Common Name: ${cert.commonName}`);
    expect(report.stdout).toContain('Signing Hash Algorithm: SHA-256');
  });

  it('writes the PAdES signed attributes: signing-certificate-v2, and no signing-time in the CMS', async () => {
    const signed = (await readFile(path.join(dir, 'signee.pdf'))).toString('latin1');
    const hex = /\/Contents <([0-9a-f]+)>/.exec(signed.slice(unsigned.byteLength))![1]!;
    const cms = Buffer.from(hex, 'hex').toString('latin1');
    // DER of the OIDs: id-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47), signingTime (1.2.840.113549.1.9.5).
    expect(cms).toContain(Buffer.from('060b2a864886f70d010910022f', 'hex').toString('latin1'));
    expect(cms).not.toContain(Buffer.from('06092a864886f70d010905', 'hex').toString('latin1'));
    expect(signed).toMatch(/\/M \(D:\d{14}Z\)/);
    // OpenSSL checks the CMS over the signed byte ranges, including signing-certificate-v2
    // against the signer's certificate (the chain itself is not checked: -noverify).
    const bytes = await readFile(path.join(dir, 'signee.pdf'));
    const [a, l1, c, l2] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(signed)!.slice(1).map(Number) as [number, number, number, number];
    await writeFile(path.join(dir, 'plages.bin'), Buffer.concat([bytes.subarray(a, a + l1), bytes.subarray(c, c + l2)]));
    await writeFile(path.join(dir, 'signature.der'), Buffer.from(hex, 'hex'));
    const { stderr } = await promisify(execFile)('openssl', ['cms', '-verify', '-inform', 'DER', '-in', path.join(dir, 'signature.der'), '-content', path.join(dir, 'plages.bin'), '-binary', '-noverify', '-out', '/dev/null']);
    expect(stderr).toContain('Verification successful');
  });

  it('keeps the file PDF/A-1b (Preflight)', async () => {
    const [result] = await preflight(new Map([['signee.pdf', await readFile(path.join(dir, 'signee.pdf'))]]));
    expect(result!.errors).toEqual([]);
    expect(result!.valid).toBe(true);
  }, 60_000);

  it('lets pdfsig detect one byte changed after signing', async () => {
    const signed = await readFile(path.join(dir, 'signee.pdf'));
    const tampered = Buffer.from(signed);
    // A letter of the Info dictionary's /Producer key, in the first revision: inside the signed range.
    const at = tampered.indexOf('/Producer');
    tampered[at + 1] = tampered[at + 1]! ^ 0x20;
    await writeFile(path.join(dir, 'alteree.pdf'), tampered);
    const report = await pdfsig(path.join(dir, 'alteree.pdf'));
    expect(report.stdout).not.toContain('Signature is Valid');
    expect(report.stdout).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
  });

  it('signs in place, atomically, leaving no temporary file', async () => {
    const folder = path.join(dir, 'sur-place');
    expect((await runCli(['render', 'annexe-deploiement-rentree-2019', '--format', 'pdf', '--out', folder])).code).toBe(0);
    const run = await runCli(['signer', path.join(folder, ANNEXE), '--certificat', cert.p12]);
    expect(run.code).toBe(0);
    expect((await pdfsig(path.join(folder, ANNEXE))).stdout).toContain('Signature is Valid');
    expect((await readdir(folder)).filter((f) => f.endsWith('.pdf') || f.includes('tmp'))).toEqual([ANNEXE]);
    // Signing it again is refused, and leaves the signed file as it was.
    const signed = await readFile(path.join(folder, ANNEXE));
    const again = await runCli(['signer', path.join(folder, ANNEXE), '--certificat', cert.p12]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('est déjà signé');
    expect((await readFile(path.join(folder, ANNEXE))).equals(signed)).toBe(true);
  });
});

describe('alses signer: French errors', () => {
  it('names a wrong password (exit 1), and writes nothing', async () => {
    process.env[PASSWORD_VARIABLE] = 'pas-le-bon';
    try {
      const run = await runCli(['signer', path.join(dir, 'out', ANNEXE), '--certificat', cert.p12, '--vers', path.join(dir, 'jamais.pdf')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Certificat « ${cert.p12} » inutilisable : mot de passe incorrect`);
      await expect(readFile(path.join(dir, 'jamais.pdf'))).rejects.toThrow();
    } finally {
      process.env[PASSWORD_VARIABLE] = cert.password;
    }
  });

  it('names a missing PDF and a missing certificate', async () => {
    const missing = await runCli(['signer', path.join(dir, 'absent.pdf'), '--certificat', cert.p12]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Fichier « ${path.join(dir, 'absent.pdf')} » introuvable`);
    const noCert = await runCli(['signer', path.join(dir, 'out', ANNEXE), '--certificat', path.join(dir, 'absent.p12')]);
    expect(noCert.code).toBe(1);
    expect(noCert.stderr).toContain('introuvable (attendu : un fichier .p12 ou .pfx)');
  });

  it('refuses a file that is not a PDF, and a certificate that is not PKCS#12', async () => {
    const text = path.join(dir, 'note.pdf');
    await writeFile(text, 'Ceci n\'est pas un PDF\n');
    const notPdf = await runCli(['signer', text, '--certificat', cert.p12]);
    expect(notPdf.code).toBe(1);
    expect(notPdf.stderr).toContain(`« ${text} » n'est pas un fichier PDF`);
    expect(await readFile(text, 'utf8')).toBe('Ceci n\'est pas un PDF\n');
    const notP12 = await runCli(['signer', path.join(dir, 'out', ANNEXE), '--certificat', text]);
    expect(notP12.code).toBe(1);
    expect(notP12.stderr).toContain('ce n\'est pas un certificat PKCS#12');
  });

  it('refuses a PDF whose first page already has annotations (the library would drop them)', async () => {
    const withLink = path.join(dir, 'lien.pdf');
    await writeFile(withLink, await pdfWithLink());
    const run = await runCli(['signer', withLink, '--certificat', cert.p12, '--vers', path.join(dir, 'lien-signe.pdf')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a déjà des annotations (liens, champs) sur sa première page');
    await expect(readFile(path.join(dir, 'lien-signe.pdf'))).rejects.toThrow();
  });

  it('takes no password argument, and asks for the variable when there is no terminal', async () => {
    const run = await runCli(['signer', path.join(dir, 'out', ANNEXE), '--certificat', cert.p12, '--mot-de-passe', 'x']);
    expect(run.code).toBe(2);
    if (!process.stdin.isTTY) await expect(certificatePassword({})).rejects.toThrow(`la variable d'environnement ${PASSWORD_VARIABLE}`);
  });

  it('refuses --vers with several PDFs (usage, exit 2)', async () => {
    const run = await runCli(['signer', 'a.pdf', 'b.pdf', '--certificat', cert.p12, '--vers', 'c.pdf']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--vers n\'accepte qu\'un seul PDF');
  });
});

/** A one-page PDF with a link annotation, made with raw pdfkit. */
function pdfWithLink(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ compress: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('Lien', 72, 72, { link: 'https://example.org/' });
    doc.end();
  });
}
