/**
 * src/patches/deferred-requires.ts: pdfkit's encryption and fontkit's WOFF2 decoder are loaded
 * only when used, and work as before when they are (issue 11). This file runs in a process of its
 * own (vitest's forks pool), where pdfkit and fontkit are not loaded yet.
 */
import { createRequire } from 'node:module';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFERRED_REQUIRES, deferUnusedRequires } from '../src/patches/deferred-requires.ts';

const require = createRequire(import.meta.url);
const fromPdfkit = createRequire(require.resolve('pdfkit'));
const fromFontkit = createRequire(require.resolve('fontkit'));

/** Whether a module of `pkg` (e.g. `@noble/ciphers`) is in Node's cache of loaded CommonJS modules. */
const loaded = (pkg: string): boolean => Object.keys(require.cache).some((file) => file.includes(`/node_modules/${pkg}/`));

describe('deferred requires of pdfkit and fontkit', () => {
  deferUnusedRequires();

  it('loading pdfkit and fontkit loads neither the encryption nor the WOFF2 decoder', () => {
    expect(loaded('pdfkit')).toBe(false);
    fromPdfkit('pdfkit');
    fromFontkit('fontkit');
    expect(loaded('pdfkit')).toBe(true);
    expect(loaded('fontkit')).toBe(true);
    expect(loaded('@noble/ciphers')).toBe(false);
    expect(loaded('brotli')).toBe(false);
    // The modules it defers are those of the two packages.
    expect(Object.keys(DEFERRED_REQUIRES).sort()).toEqual(['fontkit', 'pdfkit']);
  });

  it('an encrypted PDF is still made, the encryption loaded then', async () => {
    const PDFDocument = fromPdfkit('pdfkit') as new (options: object) => NodeJS.ReadableStream & { text(t: string): unknown; end(): void };
    const doc = new PDFDocument({ userPassword: 'secret', pdfVersion: '1.7ext3', compress: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => doc.on('end', resolve));
    doc.text('Bonjour');
    doc.end();
    await done;
    const pdf = Buffer.concat(chunks).toString('latin1');
    // AES-256 (PDF 1.7 extension level 3): the cipher and SHA-256 of @noble were used.
    expect(pdf).toMatch(/\/Filter \/Standard/);
    expect(pdf).toMatch(/\/CFM \/AESV3/);
    expect(pdf).not.toContain('Bonjour');
    expect(loaded('@noble/ciphers')).toBe(true);
  });

  it('the WOFF2 decoder, called through its stand-in, decompresses', () => {
    const decompress = fromFontkit('brotli/decompress.js') as (data: Uint8Array, size?: number) => Uint8Array;
    expect(loaded('brotli')).toBe(false);
    const text = 'Acteurs de Liaison Sociale en Environnement Scolaire '.repeat(20);
    const out = decompress(brotliCompressSync(Buffer.from(text)));
    expect(Buffer.from(out).toString()).toBe(text);
    expect(loaded('brotli')).toBe(true);
  });
});
