/**
 * The charts' only font, Source Sans 3, read from the npm package `@expo-google-fonts/source-sans-3`
 * (never from the system), and the advance widths needed to measure text without a canvas.
 *
 * Vega, run headless without node-canvas, would otherwise guess text widths as
 * `0.8 × size × length`, which makes labels overlap or leaves wide margins. Measuring with the
 * very font that resvg (PNG) and the PDF writer use keeps the layout right in both.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Font family name written in the SVG (`font-family`), and the family the rasteriser falls back to. */
export const CHART_FONT_FAMILY = 'Source Sans 3';

const require = createRequire(import.meta.url);

/** Absolute paths of the regular and bold TTF files. */
export const CHART_FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/source-sans-3/700Bold/SourceSans3_700Bold.ttf'),
} as const;

/** Horizontal metrics of one TrueType font: advance width of each code point, in em. */
export interface FontMetrics {
  /** Advance width, in em, of a code point (the `.notdef` glyph's when the font lacks it). */
  advance(codePoint: number): number;
  /** Whether the font has a glyph for the code point. */
  has(codePoint: number): boolean;
}

/**
 * Reads the `cmap` (format 4 or 12), `hhea`, `hmtx` and `head` tables of a TrueType/OpenType font.
 * Kerning is ignored: widths are a few percent too wide at worst, never too narrow.
 */
export function parseFontMetrics(bytes: Uint8Array): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(bytes[rec]!, bytes[rec + 1]!, bytes[rec + 2]!, bytes[rec + 3]!);
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`Font table '${tag}' missing`);
    return offset;
  };

  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOfGlyph = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)) / unitsPerEm;

  const glyphOf = cmapLookup(view, table('cmap'));
  const cache = new Map<number, number>();
  return {
    advance(codePoint) {
      let width = cache.get(codePoint);
      if (width === undefined) {
        width = advanceOfGlyph(glyphOf(codePoint));
        cache.set(codePoint, width);
      }
      return width;
    },
    has: (codePoint) => glyphOf(codePoint) !== 0,
  };
}

/** Builds the code point → glyph index lookup of the best Unicode subtable (format 12, else 4). */
function cmapLookup(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const sub = cmap + view.getUint32(rec + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(sub);
    if (format === 12) format12 ??= sub;
    else if (format === 4) format4 ??= sub;
  }
  if (format12 !== undefined) {
    const sub = format12;
    const groups = view.getUint32(sub + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = sub + 16 + 12 * mid;
        const start = view.getUint32(g);
        const end = view.getUint32(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return view.getUint32(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 !== undefined) {
    const sub = format4;
    const segCount = view.getUint16(sub + 6) / 2;
    const endCodes = sub + 14;
    const startCodes = endCodes + 2 * segCount + 2;
    const idDeltas = startCodes + 2 * segCount;
    const idRangeOffsets = idDeltas + 2 * segCount;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (cp > view.getUint16(endCodes + 2 * s)) continue;
        const start = view.getUint16(startCodes + 2 * s);
        if (cp < start) return 0;
        const delta = view.getInt16(idDeltas + 2 * s);
        const rangeOffset = view.getUint16(idRangeOffsets + 2 * s);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = view.getUint16(idRangeOffsets + 2 * s + rangeOffset + 2 * (cp - start));
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error('Font has no Unicode cmap subtable (format 4 or 12)');
}

interface LoadedFonts {
  readonly regular: FontMetrics;
  readonly bold: FontMetrics;
}

let loaded: LoadedFonts | undefined;

/** The metrics of the regular and bold faces, read once. */
export function chartFonts(): LoadedFonts {
  if (!loaded) {
    loaded = {
      regular: parseFontMetrics(readFileSync(CHART_FONT_FILES.regular)),
      bold: parseFontMetrics(readFileSync(CHART_FONT_FILES.bold)),
    };
  }
  return loaded;
}

/** Whether a CSS font weight is drawn with the bold face (as resvg and the PDF writer pick it). */
export function isBoldWeight(weight: unknown): boolean {
  if (weight === 'bold' || weight === 'bolder') return true;
  const n = Number(weight);
  return Number.isFinite(n) && n >= 600;
}

/** Width, in the unit of `fontSize`, of one line of text set in Source Sans 3. */
export function measureText(text: string, fontSize: number, bold = false): number {
  const fonts = chartFonts();
  const metrics = bold ? fonts.bold : fonts.regular;
  let em = 0;
  for (const ch of text) em += metrics.advance(ch.codePointAt(0)!);
  return em * fontSize;
}
