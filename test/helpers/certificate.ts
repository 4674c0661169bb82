/**
 * Throwaway signing certificates for tests, made at run time with openssl (never committed):
 * a self-signed RSA certificate and its key in a PKCS#12 file with a password.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PKCS#12 file made for a test. */
export interface TestCertificate {
  /** Path of the `.p12` file. */
  readonly p12: string;
  readonly password: string;
  /** Common name of the certificate's subject. */
  readonly commonName: string;
}

/**
 * Makes a self-signed certificate (RSA 2048, 30 days) and its `.p12` in `dir`.
 * @throws Error when openssl is missing or fails.
 */
export async function makeTestCertificate(dir: string, password = 'mot-de-passe-de-test'): Promise<TestCertificate> {
  const key = path.join(dir, 'cle.pem');
  const cert = path.join(dir, 'certificat.pem');
  const p12 = path.join(dir, 'certificat.p12');
  const commonName = 'Signataire de test ALSES';
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', `/C=FR/O=Departement de test/CN=${commonName}`]);
  await run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', p12, '-passout', `pass:${password}`]);
  return { p12, password, commonName };
}

/** What poppler's `pdfsig` says about a file's signatures (its stdout), and its exit code. */
export async function pdfsig(file: string): Promise<{ code: number; stdout: string }> {
  return run('pdfsig', [file]).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code?: number; stdout?: string }) => ({ code: err.code ?? -1, stdout: err.stdout ?? '' }),
  );
}
