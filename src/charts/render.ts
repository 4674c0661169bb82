/**
 * Renders a Vega specification to a print-safe SVG (for pdfmake / svg-to-pdfkit, PDF/A-1b)
 * and to a PNG at 2× (for DOCX), both deterministic.
 *
 * Pipeline: vega `parse` → headless `View` (renderer `none`, French locale) → `toSVG()` →
 * clean-up (hidden labels removed, ids renumbered, decimals rounded) → print-safety check →
 * resvg with Source Sans 3 from npm and no system font.
 *
 * The charts are written in Vega itself, not in Vega-Lite: compiling Vega-Lite took a third of
 * the charts' time and its library (570 kB of JavaScript) a good part of their loading, in a
 * cold monthly job (issue 11).
 */
import * as vega from 'vega';
import { FONT_FAMILY, FONT_PATHS, measureText } from '../fonts.ts';
import { loadResvg } from '../patches/resvg.ts';
import { escapeXml } from '../xml.ts';
import { NUMBER_LOCALE_FR, TIME_LOCALE_FR } from './locale.ts';

/** A rendered chart. */
export interface Chart {
  /** Standalone SVG markup: opaque, white background, fonts by name ("Source Sans 3"), no external resource. */
  readonly svg: string;
  /** PNG file bytes, rendered at 2× (`width * 2` × `height * 2` pixels). */
  readonly png: Uint8Array;
  /** French text alternative that states the data in words. */
  readonly alt: string;
  /** Width in points (1 SVG user unit = 1 pt). */
  readonly width: number;
  /** Height in points. */
  readonly height: number;
}

/** Scale of the PNG relative to the size in points. */
export const PNG_SCALE = 2;

/** The part of Vega's (untyped) `textMetrics` object this module replaces. */
interface TextMetrics {
  width: (item: TextItem, text: unknown) => number;
}
interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number | string;
  ellipsis?: string;
}

let metricsInstalled = false;

/**
 * Makes Vega measure text with Source Sans 3's real advance widths instead of its
 * `0.8 × size × length` estimate (the hook vl-convert uses too). Process-wide, idempotent;
 * this module is the project's only user of Vega.
 */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  const metrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  metrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const bold = isBoldWeight(item.fontWeight);
    const value = text == null ? '' : String(text).trim();
    if (size <= 0 || value === '') return 0;
    const width = (t: string) => measureText(t, size, bold ? 'bold' : 'normal');
    // Same truncation as Vega's `textValue` for items with a `limit`.
    const limit = Number(item.limit);
    if (!(limit > 0) || width(value) < limit) return width(value);
    const ellipsis = item.ellipsis || '\u2026';
    const room = limit - width(ellipsis);
    let lo = 0;
    let hi = value.length;
    while (lo < hi) {
      const mid = 1 + ((lo + hi) >>> 1);
      if (width(value.slice(0, mid)) < room) lo = mid;
      else hi = mid - 1;
    }
    return width(value.slice(0, lo) + ellipsis);
  };
  metricsInstalled = true;
}

/** A headless Vega view of a spec, French locale, Source Sans 3 metrics. */
function headlessView(spec: vega.Spec): vega.View {
  installTextMetrics();
  return new vega.View(vega.parse(spec), {
    renderer: 'none',
    logLevel: vega.Error,
    locale: { number: NUMBER_LOCALE_FR, time: TIME_LOCALE_FR } as unknown as vega.LocaleFormatters,
  });
}

/**
 * Size, in points, of the plot area (inside the axes) of a single-view Vega spec laid out
 * as `renderChart` lays it out: what `autosize: fit` leaves once titles, axes and marks that
 * overflow the plot have their room. Lets a chart place its annotations in plot coordinates.
 */
export async function plotSize(spec: vega.Spec): Promise<{ width: number; height: number }> {
  const view = headlessView(spec);
  try {
    await view.runAsync();
    return { width: Number(view.signal('width')), height: Number(view.signal('height')) };
  } finally {
    view.finalize();
  }
}

/** Renders a Vega spec (with `width`/`height` = the whole chart, `autosize: fit`). */
export async function renderChart(spec: vega.Spec, alt: string, size: { width: number; height: number }): Promise<Chart> {
  const view = headlessView(spec);
  let raw: string;
  try {
    vega.resetSVGDefIds();
    raw = await view.toSVG();
  } finally {
    view.finalize();
  }
  const svg = cleanSvg(raw, alt);
  const { width, height } = svgSize(svg);
  if (width !== size.width || height !== size.height) {
    throw new Error(`Chart rendered at ${width}×${height} instead of ${size.width}×${size.height}`);
  }
  assertPrintSafeSvg(svg);
  return { svg, png: rasterise(svg), alt, width, height };
}

/** Width and height attributes of the root `<svg>`. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error('SVG without width/height');
  return { width, height };
}

/**
 * Cleans Vega's SVG: drops the elements it hid with `opacity="0"` (overlapping axis labels),
 * `opacity="1"`, interaction/ARIA attributes and empty helper paths; renumbers ids in order of
 * appearance; rounds long decimals in tags; adds `role="img"`, an `aria-label` and a `<title>`.
 */
export function cleanSvg(raw: string, alt: string): string {
  let svg = raw
    // Hidden items: text (possibly with <tspan> lines) and self-closing shapes.
    .replace(/<text\b[^>]*\sopacity="0"[^>]*>[\s\S]*?<\/text>/g, '')
    .replace(/<\w+\b[^>]*\sopacity="0"[^>]*\/>/g, '')
    .replace(/\s(?:fill-|stroke-)?opacity="1"/g, '')
    .replace(/\s(?:class|pointer-events|aria-hidden|aria-label|aria-roledescription|role)="[^"]*"/g, '')
    .replace(/<path d="M0,0h0v0h0Z"\/>/g, '')
    .replace(/<path d="" display="none"\/>/g, '')
    .replace(/<g><\/g>/g, '');
  // Deterministic ids (Vega numbers clip paths and gradients with process-wide counters).
  const ids = new Map<string, string>();
  svg = svg.replace(/\sid="([^"]+)"/g, (_, id: string) => {
    const fresh = `c${ids.size + 1}`;
    ids.set(id, fresh);
    return ` id="${fresh}"`;
  });
  if (ids.size > 0) svg = svg.replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : m));
  // Round float noise (36.000000000000014) inside tags only, never in text content.
  svg = svg.replace(/<[^>]+>/g, (tag) => tag.replace(/-?\d+\.\d{4,}/g, (n) => String(Math.round(Number(n) * 1000) / 1000)));
  // Accessible name.
  return svg.replace(/^<svg\b([^>]*)>/, (_, attrs: string) => `<svg${attrs} role="img" aria-label="${escapeXml(alt, "'")}"><title>${escapeXml(alt, "'")}</title>`);
}

/**
 * Throws unless the SVG is safe for PDF/A-1b through svg-to-pdfkit: no transparency of any kind
 * (opacity, rgba/hsla, `transparent`), no clip path or mask (svg-to-pdfkit draws them as
 * transparency groups), no image, link or external reference, no CSS.
 */
export function assertPrintSafeSvg(svg: string): void {
  const problems: string[] = [];
  for (const m of svg.matchAll(/(?:^|[\s;"])((?:fill-|stroke-|stop-)?opacity)\s*[=:]\s*"?\s*([\d.]+)/g)) {
    if (Number(m[2]) < 1) problems.push(`${m[1]}=${m[2]}`);
  }
  const forbidden: [RegExp, string][] = [
    [/rgba\(|hsla\(/i, 'rgba()/hsla() colour'],
    [/transparent/i, '"transparent" colour'],
    [/#[0-9a-f]{8}\b|#[0-9a-f]{4}"/i, 'colour with alpha'],
    [/clip-path|<clipPath|<mask|mask=/i, 'clip path or mask'],
    [/<image|href=|<a\b/i, 'image or link'],
    [/url\((?!#)/i, 'external url()'],
    [/<style|\sstyle="/i, 'CSS'],
    [/<foreignObject/i, 'foreignObject'],
  ];
  for (const [re, what] of forbidden) if (re.test(svg)) problems.push(what);
  if (!/^<svg\b[^>]*>(?:<title>[^<]*<\/title>)?<rect width="[\d.]+" height="[\d.]+" fill="(?:white|#fff|#ffffff)"\/>/i.test(svg)) {
    problems.push('no solid white background first');
  }
  if (problems.length > 0) throw new Error(`Chart SVG not print-safe: ${problems.join(', ')}`);
}

/** Whether a CSS font weight is drawn with the bold face (as resvg and the PDF writer pick it). */
function isBoldWeight(weight: unknown): boolean {
  if (weight === 'bold' || weight === 'bolder') return true;
  const n = Number(weight);
  return Number.isFinite(n) && n >= 600;
}

/** resvg's `Resvg`, loaded at the first chart without Node's diagnostic report (patches/resvg.ts). */
let Resvg: typeof import('@resvg/resvg-js').Resvg | undefined;

/** Rasterises the SVG at `PNG_SCALE`× with Source Sans 3 from npm only. */
export function rasterise(svg: string): Uint8Array {
  Resvg ??= loadResvg().Resvg;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: [FONT_PATHS.normal, FONT_PATHS.bold],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  });
  return new Uint8Array(resvg.render().asPng());
}
