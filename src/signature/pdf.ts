/**
 * Electronic signature of produced PDFs: PAdES baseline B-B (ETSI EN 319 142-1, subfilter
 * `ETSI.CAdES.detached`) with a certificate from a PKCS#12 file, added as an incremental update
 * (the signed bytes of the original file are kept as they are, so a PDF/A file stays PDF/A and
 * the manifest's record of the unsigned file can still be checked against the first revision).
 *
 * Libraries: `@signpdf/placeholder-plain` (signature field and `/Contents` hole, appended as an
 * incremental update) and `@signpdf/signpdf` (fills `/ByteRange` and `/Contents`); the CMS comes
 * from `CadesP12Signer` (./cades.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { AlsesError } from '../errors.ts';
import { writeAtomic } from '../output/atomic.ts';
import { CadesP12Signer, openP12, P12Error, type P12Contents } from './cades.ts';
import { pdfaSignatureUpdate, SignatureUpdateError } from './pdfa-update.ts';

/** Room kept for the CMS in `/Contents`, in bytes (a 4096-bit RSA chain of three certificates fits). */
const SIGNATURE_LENGTH = 16_384;

/** What the signature dictionary says about the signature (French, shown by PDF readers). */
export interface SignatureInfo {
  /** `/Reason`, e.g. "Document officiel du Département". */
  readonly reason?: string;
  /** `/Location`, e.g. "Lille". */
  readonly location?: string;
  /** `/ContactInfo`. */
  readonly contactInfo?: string;
  /** `/M`: signing time (default: now). PAdES puts it here, not in the CMS. */
  readonly signingTime?: Date;
}

/** A PKCS#12 certificate file (`.p12`/`.pfx`) and its password. */
export interface Certificate {
  /** Path, for messages. */
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly password: string;
}

/**
 * Reads a PKCS#12 certificate file and checks the password opens it.
 * @throws AlsesError INVALID_INPUT (French) when the file is missing, is not PKCS#12, the
 *   password is wrong, or the file lacks a private key or its certificate.
 */
export async function readCertificate(file: string, password: string): Promise<Certificate> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new AlsesError('INVALID_INPUT', err.code === 'ENOENT' ? `Certificat « ${file} » introuvable (attendu : un fichier .p12 ou .pfx)` : `Certificat « ${file} » illisible : ${err.message}`);
  });
  const certificate = { file, bytes, password };
  openCertificate(certificate);
  return certificate;
}

/** Opens a certificate's PKCS#12 file; French errors for each problem. */
function openCertificate(certificate: Certificate): P12Contents {
  try {
    return openP12(certificate.bytes, certificate.password);
  } catch (err) {
    if (!(err instanceof P12Error)) throw err;
    const why = {
      password: 'mot de passe incorrect (vérifiez la variable ALSES_CERTIFICAT_MOT_DE_PASSE)',
      unreadable: 'ce n\'est pas un certificat PKCS#12 (attendu : un fichier .p12 ou .pfx avec la clé privée)',
      'no-key': 'aucune clé privée RSA dans le fichier (attendu : un .p12 exporté avec sa clé privée)',
      'no-certificate': 'aucun certificat ne correspond à la clé privée du fichier',
    }[err.problem];
    throw new AlsesError('INVALID_INPUT', `Certificat « ${certificate.file} » inutilisable : ${why}`);
  }
}

/**
 * Signs PDF bytes: appends a signature field and a PAdES B-B signature as an incremental update.
 * @param name file name, for messages.
 * @returns the signed PDF (the input bytes, then the update).
 * @throws AlsesError INVALID_INPUT when the bytes are not a PDF, are already signed, or the
 *   certificate is unusable;
 *   OUTPUT when the library fails to sign.
 */
export async function signPdfBytes(pdf: Uint8Array, name: string, certificate: Certificate, info: SignatureInfo = {}): Promise<Buffer> {
  const input = Buffer.from(pdf);
  if (input.subarray(0, 5).toString('latin1') !== '%PDF-' || !input.subarray(-1024).toString('latin1').includes('%%EOF'))
    throw new AlsesError('INVALID_INPUT', `« ${name} » n'est pas un fichier PDF (attendu : un PDF produit par alses render ou alses monthly)`);
  // A second signature (counter-signature) is not supported: placeholder-plain would replace the
  // first signature's widget on the page.
  if (/\/Type\s*\/Sig\b/.test(input.toString('latin1')))
    throw new AlsesError('INVALID_INPUT', `« ${name} » est déjà signé (une seule signature par fichier : signez le PDF produit, pas sa version signée)`);
  const p12 = openCertificate(certificate);
  const signer = new CadesP12Signer(p12);
  const signingTime = info.signingTime ?? new Date();
  let withPlaceholder: Buffer;
  try {
    withPlaceholder = plainAddPlaceholder({
      pdfBuffer: input,
      reason: info.reason ?? 'Document officiel',
      location: info.location ?? '',
      contactInfo: info.contactInfo ?? '',
      // The signer's name as its certificate gives it (not the file's path).
      name: String(p12.certificate.subject.getField('CN')?.value ?? ''),
      signingTime,
      signatureLength: SIGNATURE_LENGTH,
      subFilter: SUBFILTER_ETSI_CADES_DETACHED,
      appName: 'alses-reports',
    });
    withPlaceholder = pdfaSignatureUpdate(withPlaceholder, input.byteLength);
  } catch (err) {
    if (err instanceof SignatureUpdateError && err.reason === 'annotations')
      throw new AlsesError('INVALID_INPUT', `« ${name} » a déjà des annotations (liens, champs) sur sa première page : signature non prise en charge (attendu : un PDF produit par alses render ou alses monthly)`);
    throw new AlsesError('INVALID_INPUT', `« ${name} » n'a pas pu être préparé pour la signature (PDF illisible : ${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return await new SignPdf().sign(withPlaceholder, signer, signingTime);
  } catch (err) {
    throw new AlsesError('OUTPUT', `Signature de « ${name} » impossible : ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Signs a PDF file and writes the result atomically (temporary file, then rename) to `target`
 * (default: in place).
 * @throws AlsesError INVALID_INPUT when `file` is missing or not a PDF, or the certificate is
 *   unusable; OUTPUT when the result cannot be written.
 */
export async function signPdfFile(file: string, certificate: Certificate, options: SignatureInfo & { target?: string } = {}): Promise<string> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new AlsesError('INVALID_INPUT', `Fichier « ${file} » introuvable (attendu : un PDF à signer)`);
  const signed = await signPdfBytes(await readFile(file), file, certificate, options);
  const target = options.target ?? file;
  await writeAtomic(target, signed);
  return target;
}
