/**
 * Image files of the data folder (the collectivité's logo): what they are (PNG, JPEG or SVG, by
 * their bytes, not their name), their size in pixels, whether they decode, and SVG rasterised to
 * PNG. Decoding: PNG with pngjs, JPEG and SVG with resvg (the renderer of the charts).
 */
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import { parseDocument } from 'htmlparser2';
import { PNG } from 'pngjs';
import { loadResvg } from '../../patches/resvg.ts';


/** resvg, loaded at its first use: only an SVG logo or a JPEG check needs it (issue 11: commands load what they use). */
const resvg = (): typeof ResvgClass => loadResvg().Resvg;

/** A raster image ready for every writer: PNG or JPEG bytes and their size in pixels. */
export interface RasterImage {
  readonly format: 'png' | 'jpeg';
  readonly data: Uint8Array;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/** Why an image file cannot be used, in French (the end of a `logo/image` message). */
export class ImageProblem extends Error {
  override readonly name = 'ImageProblem';
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Largest picture accepted, in pixels (width × height): 40 megapixels, far above any logo. */
const MAX_PIXELS = 40_000_000;

/** Kind of an image file, by its first bytes; `undefined` when it is none of PNG, JPEG and SVG. */
export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | 'svg' | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096));
  return /^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/.test(head) ? 'svg' : undefined;
}

/** Width and height in pixels of a PNG file (its IHDR chunk), or undefined when it is not one. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || imageKind(bytes) !== 'png') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * Size and number of colour components of a JPEG file, from its frame header (SOF0–SOF15 but
 * DHT, JPG and DAC, ITU-T T.81 § B.2.2), or undefined when no frame header is found.
 */
export function jpegFrame(bytes: Uint8Array): { width: number; height: number; components: number } | undefined {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      return width > 0 && height > 0 ? { width, height, components: bytes[at + 9]! } : undefined;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // image data before any frame header
    at += 2 + length;
  }
  return undefined;
}

/**
 * A PNG file checked to decode (CRC, zlib stream, size), returned as it is.
 * @throws ImageProblem when pngjs cannot decode it, or it is larger than 40 megapixels.
 */
export function checkPng(bytes: Uint8Array): RasterImage {
  const size = pngSize(bytes);
  if (!size) throw new ImageProblem("fichier PNG sans en-tête d'image valable");
  if (size.width * size.height > MAX_PIXELS) throw new ImageProblem(`image de ${size.width} × ${size.height} pixels, trop grande`);
  try {
    PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    throw new ImageProblem('fichier PNG abîmé (données illisibles)');
  }
  return { format: 'png', data: bytes, ...size };
}

/**
 * A JPEG file checked to decode, returned as it is (every writer embeds JPEG as is: a PDF
 * `DCTDecode` image, a DOCX `image/jpeg` part, an HTML data URL).
 * @throws ImageProblem when it has no frame header, is in CMYK (PDF/A-1 with the sRGB output
 *   intent allows grey and RGB only), is larger than 40 megapixels, or resvg cannot decode it.
 */
export function checkJpeg(bytes: Uint8Array): RasterImage {
  const frame = jpegFrame(bytes);
  if (!frame) throw new ImageProblem("fichier JPEG sans en-tête d'image valable");
  if (frame.components !== 1 && frame.components !== 3)
    throw new ImageProblem('image JPEG en CMJN (quadrichromie) : le PDF/A demande une image en RVB ou en niveaux de gris ; enregistrer le logo en RVB');
  if (frame.width * frame.height > MAX_PIXELS) throw new ImageProblem(`image de ${frame.width} × ${frame.height} pixels, trop grande`);
  // A JPEG is opaque: once decoded, the middle of the picture is opaque; resvg draws nothing for
  // an image it cannot decode.
  const uri = `data:image/jpeg;base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
  const probe = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><image width="8" height="8" preserveAspectRatio="none" href="${uri}"/></svg>`;
  const pixels = new (resvg())(probe, { font: { loadSystemFonts: false }, logLevel: 'off' }).render().pixels;
  if (pixels[(4 * 8 + 4) * 4 + 3] !== 255) throw new ImageProblem('fichier JPEG abîmé (données illisibles)');
  return { format: 'jpeg', data: bytes, width: frame.width, height: frame.height };
}

/**
 * Why an SVG is not self-contained, or undefined when it is: resvg would read the files (any
 * path, even outside the data folder) its `href`s and CSS `url(…)`s name, so only references
 * inside the file (`#id`) and `data:` URLs are allowed.
 */
export function svgExternalReference(svg: string): string | undefined {
  const root = parseDocument(svg, { xmlMode: true });
  const stack = [...root.children];
  const inner = (value: string) => /^\s*(#|data:)/i.test(value);
  const urls = (css: string) => [...css.matchAll(/url\(\s*['"]?([^'")]*)/gi)].map((m) => m[1]!).filter((u) => !inner(u));
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'text' || node.type === 'cdata') {
      const text = 'data' in node ? String(node.data) : node.children.map((c) => ('data' in c ? String(c.data) : '')).join('');
      const found = urls(text)[0] ?? (/@import/i.test(text) ? '@import' : undefined);
      if (found !== undefined) return found;
    }
    if (!('attribs' in node)) continue;
    for (const [name, value] of Object.entries(node.attribs)) {
      if (/(^|:)href$/i.test(name) && !inner(value)) return value;
      const url = urls(value)[0];
      if (url !== undefined) return url;
    }
    stack.push(...node.children);
  }
  return undefined;
}

/**
 * An SVG file rasterised to an opaque PNG (drawn on white) of `width` pixels, its height
 * following the drawing's ratio. Text is drawn with the fonts given (no system font).
 * @throws ImageProblem when the SVG names an external file, cannot be parsed, or has no size.
 */
export function rasteriseSvg(bytes: Uint8Array, width: (size: { width: number; height: number }) => number, fontFiles: readonly string[]): RasterImage {
  const svg = new TextDecoder().decode(bytes);
  const external = svgExternalReference(svg);
  if (external !== undefined) throw new ImageProblem(`image SVG qui fait appel à un fichier ou une adresse extérieure (« ${external.slice(0, 80)} ») ; attendu : un SVG autonome`);
  let rendered: ResvgClass;
  const options = (fit?: number) => ({
    ...(fit ? { fitTo: { mode: 'width' as const, value: fit } } : {}),
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: [...fontFiles] },
    logLevel: 'off' as const,
  });
  try {
    rendered = new (resvg())(svg, options());
  } catch (err) {
    throw new ImageProblem(`fichier SVG illisible (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  if (!(rendered.width > 0 && rendered.height > 0)) throw new ImageProblem('image SVG sans taille (ni width/height ni viewBox)');
  const png = new (resvg())(svg, options(Math.max(1, Math.round(width({ width: rendered.width, height: rendered.height }))))).render();
  return { format: 'png', data: new Uint8Array(png.asPng()), width: png.width, height: png.height };
}
