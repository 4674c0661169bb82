/**
 * Modules pdfmake, pdfkit and fontkit load but the PDF writer never runs, loaded at their first
 * use instead (src/writers/pdf/patches/deferred-loads.ts): pins the stand-ins put in Node's
 * module cache. The bytes of every PDF are pinned by test/golden.test.ts.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { document, heading, paragraph } from '../src/document/builders.ts';
import { deferredModules, stillDeferred } from '../src/writers/pdf/patches/deferred-loads.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

const require = createRequire(import.meta.url);

/** Files of the module cache whose path contains `part`. */
const loaded = (part: string): string[] => Object.keys(require.cache).filter((file) => file.split('\\').join('/').includes(part));

const byRequest = (request: string) => {
  const found = deferredModules().find((d) => d.request === request);
  if (!found) throw new Error(request);
  return found;
};

describe('modules the PDF writer never runs', () => {
  it('renders a PDF without loading AES, the Brotli decoder or the SVG modules', async () => {
    const pdf = await renderPdf(document({ title: 'Essai', date: '2019-07-01' }, [heading(1, 'Essai'), paragraph(['Texte du collège, 0,5 ETP.'])]));
    expect((await pdfText(pdf)).join(' ')).toContain('Texte du collège');
    // pdfkit, fontkit and pdfmake are loaded…
    expect(loaded('node_modules/pdfkit/')).not.toEqual([]);
    expect(loaded('node_modules/fontkit/')).not.toEqual([]);
    // …but none of the deferred modules, nor what they would have loaded with them.
    expect(stillDeferred()).toEqual(deferredModules().map((d) => d.file));
    expect(loaded('node_modules/@noble/ciphers/').filter((f) => f !== byRequest('@noble/ciphers/aes').file)).toEqual([]);
    expect(loaded('node_modules/brotli/').filter((f) => f !== byRequest('brotli/decompress.js').file)).toEqual([]);
    expect(loaded('node_modules/pdfmake/js/3rd-party/svg-to-pdfkit/')).toEqual([]);
    expect(loaded('node_modules/sax/')).toEqual([]);
  });

  it('gives the real module at its first use, in the cache in place of its stand-in', () => {
    // fontkit's WOFF2 path: brotli's decompress(buffer, size) → bytes.
    const brotli = byRequest('brotli/decompress.js');
    const decompress = require.cache[brotli.file]?.exports as (b: Uint8Array, size?: number) => Uint8Array;
    const text = 'Acteurs de Liaison Sociale en Environnement Scolaire — collège, ETP';
    const packed = brotliCompressSync(Buffer.from(text));
    expect(Buffer.from(decompress(packed, Buffer.byteLength(text))).toString()).toBe(text);
    expect(require.cache[brotli.file]?.exports).not.toBe(decompress);
    expect(loaded('node_modules/brotli/dec/')).not.toEqual([]);

    // pdfkit's encryption: aes.cbc(key, iv) encrypts as Node's AES-128-CBC.
    const aesEntry = byRequest('@noble/ciphers/aes');
    const aes = require.cache[aesEntry.file]?.exports as { cbc(key: Uint8Array, iv: Uint8Array): { encrypt(b: Uint8Array): Uint8Array } };
    const key = new Uint8Array(16).fill(7);
    const iv = new Uint8Array(16).fill(3);
    const block = Buffer.from('0123456789abcdef');
    const node = createCipheriv('aes-128-cbc', key, iv);
    expect(Buffer.from(aes.cbc(key, iv).encrypt(block))).toEqual(Buffer.concat([node.update(block), node.final()]));

    // pdfkit's keys of an encrypted PDF: SHA-256 as Node's, bytes concatenated.
    const sha2 = require.cache[byRequest('@noble/hashes/sha2').file]?.exports as { sha256(b: Uint8Array): Uint8Array };
    expect(Buffer.from(sha2.sha256(block)).toString('hex')).toBe(createHash('sha256').update(block).digest('hex'));
    const utils = require.cache[byRequest('@noble/hashes/utils').file]?.exports as { concatBytes(...b: Uint8Array[]): Uint8Array };
    expect(Buffer.from(utils.concatBytes(key, iv))).toEqual(Buffer.concat([key, iv]));

        // pdfmake's SVG modules: svg-to-pdfkit's default export, xmldoc's parser.
    const svg = byRequest('./3rd-party/svg-to-pdfkit.js');
    const svgToPdfkit = require.cache[svg.file]?.exports as { __esModule?: boolean; default: unknown };
    expect(svgToPdfkit.__esModule).toBe(true);
    expect(typeof svgToPdfkit.default).toBe('function');
    const xmldoc = require.cache[byRequest('xmldoc').file]?.exports as { XmlDocument: new (xml: string) => { attr: Record<string, string> } };
    expect(new xmldoc.XmlDocument('<svg width="12"/>').attr.width).toBe('12');
    expect(loaded('node_modules/sax/')).not.toEqual([]);

    // pdfmake's QR code encoder (DocMeasure reads its default export).
    const qr = require.cache[byRequest('./qrEnc.js').file]?.exports as { __esModule?: boolean; default: { measure?: unknown } };
    expect(qr.__esModule).toBe(true);
    expect(typeof qr.default.measure).toBe('function');
    expect(stillDeferred()).toEqual([]);
  });

  it('answers __esModule as the real modules do (read by Babel interop when pdfmake loads)', () => {
    for (const { file, esModule } of deferredModules()) {
      const real = require(file) as { __esModule?: boolean };
      expect({ file, esModule: real.__esModule === true }).toEqual({ file, esModule });
    }
  });
});
