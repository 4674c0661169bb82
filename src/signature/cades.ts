/**
 * A CMS signer for PAdES baseline B-B signatures (ETSI EN 319 142-1, subfilter
 * `ETSI.CAdES.detached`), from a PKCS#12 file (`.p12`/`.pfx`: certificate and private key).
 *
 * `@signpdf/signer-p12` writes a plain PKCS#7 signature: it adds a `signing-time` attribute,
 * which PAdES forbids (the signing time goes in the signature dictionary's `/M`), and lacks the
 * `signing-certificate-v2` attribute (RFC 5035) that PAdES B-B requires, binding the signer's
 * certificate to the signature. This signer builds the same SignedData with node-forge (the
 * library `@signpdf/signer-p12` uses), with signed attributes `content-type`, `message-digest`
 * and `signing-certificate-v2`, sorted as DER requires for a SET OF.
 */
import { createHash } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import forge from 'node-forge';

const { asn1, pki, pkcs7, pkcs12 } = forge;

/** OID of the `id-aa-signingCertificateV2` attribute (RFC 5035). */
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/** Why a PKCS#12 file could not be used. */
export type P12Problem = 'password' | 'unreadable' | 'no-key' | 'no-certificate';

/** A PKCS#12 file that could not be opened, with the reason. */
export class P12Error extends Error {
  override readonly name = 'P12Error';
  constructor(
    readonly problem: P12Problem,
    message: string,
  ) {
    super(message);
  }
}

/** The signer's key and certificate (plus the other certificates of the file, e.g. the chain). */
export interface P12Contents {
  readonly key: forge.pki.rsa.PrivateKey;
  readonly certificate: forge.pki.Certificate;
  readonly chain: readonly forge.pki.Certificate[];
}

/**
 * Opens a PKCS#12 file.
 * @throws P12Error `password` on a wrong password, `unreadable` when the bytes are not PKCS#12,
 *   `no-key`/`no-certificate` when the file lacks an RSA private key or its certificate.
 */
export function openP12(bytes: Uint8Array, password: string): P12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.createBuffer(Buffer.from(bytes).toString('binary'));
    p12 = pkcs12.pkcs12FromAsn1(asn1.fromDer(der), false, password);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/MAC could not be verified|Invalid password|decrypt/i.test(message)) throw new P12Error('password', message);
    throw new P12Error('unreadable', message);
  }
  const keys = [...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag!] ?? []), ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag!] ?? [])];
  const certs = (p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag!] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const key = keys[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key || !('n' in key)) throw new P12Error('no-key', 'no RSA private key');
  const certificate = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(key.n) === 0 && pub.e?.compareTo(key.e) === 0;
  });
  if (!certificate) throw new P12Error('no-certificate', 'no certificate matches the private key');
  return { key, certificate, chain: certs.filter((c) => c !== certificate) };
}

/** DER bytes (binary string) of an ASN.1 value. */
const der = (value: forge.asn1.Asn1): string => asn1.toDer(value).getBytes();

/** The `signing-certificate-v2` attribute: SHA-256 of the signer's certificate (ESSCertIDv2). */
function signingCertificateV2(certificate: forge.pki.Certificate): forge.asn1.Asn1 {
  const certDer = Buffer.from(der(pki.certificateToAsn1(certificate)), 'binary');
  const hash = createHash('sha256').update(certDer).digest().toString('binary');
  const issuerSerial = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    // issuer: GeneralNames with one directoryName [4]
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [pki.distinguishedNameToAsn1(certificate.issuer)])]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(certificate.serialNumber)),
  ]);
  // hashAlgorithm is omitted: its DEFAULT is SHA-256.
  const essCertIdV2 = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, hash), issuerSerial]);
  const value = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [essCertIdV2])]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SIGNING_CERTIFICATE_V2).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [value]),
  ]);
}

/**
 * Signs the bytes covered by a PDF signature's `/ByteRange` with a detached CMS SignedData
 * (SHA-256, RSA PKCS#1 v1.5) carrying the PAdES B-B signed attributes.
 */
export class CadesP12Signer extends Signer {
  constructor(private readonly p12: P12Contents) {
    super();
  }

  /**
   * @param pdfBuffer the bytes covered by the signature (the PDF minus the `/Contents` hole).
   * @returns the DER-encoded CMS SignedData.
   */
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const { key, certificate, chain } = this.p12;
    const p7 = pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const c of [certificate, ...chain]) p7.addCertificate(c);
    p7.addSigner({
      key,
      certificate,
      digestAlgorithm: pki.oids.sha256!,
      authenticatedAttributes: [{ type: pki.oids.contentType!, value: pki.oids.data! }, { type: pki.oids.messageDigest! }],
    });
    p7.sign({ detached: true });

    // Add signing-certificate-v2 to the signed attributes, then sign them again. SignerInfo:
    // version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature.
    const signerInfo = (p7 as unknown as { signerInfos: forge.asn1.Asn1[] }).signerInfos[0]!;
    const fields = signerInfo.value as forge.asn1.Asn1[];
    const signedAttrs = fields[3]!;
    const attrs = [...(signedAttrs.value as forge.asn1.Asn1[]), signingCertificateV2(certificate)].sort((a, b) => Buffer.compare(Buffer.from(der(a), 'binary'), Buffer.from(der(b), 'binary')));
    signedAttrs.value = attrs;
    // The signature covers the attributes encoded as a SET (tag 0x31), not as [0].
    const md = forge.md.sha256.create();
    md.update(der(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, attrs)));
    fields[5] = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, key.sign(md));
    return Buffer.from(der(p7.toAsn1()), 'binary');
  }
}
