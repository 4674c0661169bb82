import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assertPrintSafeSvg, etpParMoisChart, etpParStructureChart, monthAxisLabel, type Chart } from '../src/charts/index.ts';
import { measureText } from '../src/fonts.ts';
import { AlsesError } from '../src/errors.ts';

const STRUCTURES = [
  { structurePorteuse: 'Itinéraires', etp: 6 },
  { structurePorteuse: 'Sauvegarde 49 & Co', etp: 0.5 },
  { structurePorteuse: 'AAE', etp: 6 },
  { structurePorteuse: "Association départementale de sauvegarde de l'enfance et de l'adolescence", etp: 4.5 },
  { structurePorteuse: 'Centre social "Étoile"', etp: 2 },
];

const MONTHS = ['2019-07', '2019-08', '2019-09', '2019-10', '2019-11', '2019-12', '2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06'];
const ETP_PAR_MOIS = MONTHS.map((mois, i) => ({ mois, etp: [10, 10, 24.5, 30, 30, 36, 41, 41, 44, 47.5, 47.5, 48][i]! }));
const OBJECTIF = { cible: 50, libelle: 'Objectif : 50 ETP' };

/** Decoded PNG: size and RGBA pixels (8-bit, non-interlaced, as resvg writes it). */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const bytes = Buffer.from(png);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  expect(bitDepth).toBe(8);
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : NaN;
  expect(channels).not.toBeNaN();
  const idat: Buffer[] = [];
  let sawEnd = false;
  for (let off = 8; off < bytes.length; ) {
    const len = bytes.readUInt32BE(off);
    const type = bytes.toString('latin1', off + 4, off + 8);
    if (type === 'IDAT') idat.push(bytes.subarray(off + 8, off + 8 + len));
    if (type === 'IEND') sawEnd = true;
    off += 12 + len;
  }
  expect(sawEnd).toBe(true);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  // Undo the scanline filters, then expand to RGBA.
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    pixels.set(out.subarray(i * channels, i * channels + 3), i * 4);
    pixels[i * 4 + 3] = channels === 4 ? out[i * channels + 3]! : 255;
  }
  return { width, height, pixels };
}

/** Counts pixels matching a predicate on (r, g, b, a). */
function countPixels(pixels: Uint8Array, pred: (r: number, g: number, b: number, a: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pred(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!)) n++;
  return n;
}

/** Texts drawn in the SVG, in document order (tspans joined by a space). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]!.replace(/<tspan\b[^>]*>/g, ' ').replace(/<\/tspan>/g, '').trim());
}

/** Common checks of a chart: print-safe SVG, PNG at 2×, opaque, with dark text drawn. */
function checkChart(chart: Chart, width: number, height: number): void {
  expect(chart.width).toBe(width);
  expect(chart.height).toBe(height);
  expect(chart.svg).toMatch(new RegExp(`^<svg [^>]*width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`));
  expect(chart.svg).toContain('font-family="Source Sans 3"');
  expect(chart.svg).not.toContain('rgba(');
  expect(chart.svg).not.toMatch(/transparent|clip-path|<image|<style/i);
  for (const m of chart.svg.matchAll(/opacity="([^"]*)"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(1);
  expect(() => assertPrintSafeSvg(chart.svg)).not.toThrow();
  const png = decodePng(chart.png);
  expect(png.width).toBe(2 * width);
  expect(png.height).toBe(2 * height);
  // Fully opaque, mostly white, with dark blue marks and near-black text (fonts loaded).
  expect(countPixels(png.pixels, (_r, _g, _b, a) => a !== 255)).toBe(0);
  const total = png.width * png.height;
  expect(countPixels(png.pixels, (r, g, b) => r === 255 && g === 255 && b === 255)).toBeGreaterThan(total * 0.5);
  expect(countPixels(png.pixels, (r, g, b) => Math.abs(r - 0x1f) < 8 && Math.abs(g - 0x4e) < 8 && Math.abs(b - 0x79) < 8)).toBeGreaterThan(40);
  expect(countPixels(png.pixels, (r, g, b) => r < 60 && g < 60 && b < 60)).toBeGreaterThan(200);
}

/** An axis-aligned rectangle in plot coordinates (y downwards). */
interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
const touches = (a: Rect, b: Rect, margin: number) => a.x1 < b.x2 + margin && b.x1 < a.x2 + margin && a.y1 < b.y2 + margin && b.y1 < a.y2 + margin;

/**
 * What `etpParMoisChart` drew in its plot, read back from the SVG (plot coordinates): the step
 * line's segments (2 pt wide), the objectif's rule and label, and the value labels, each text as
 * the box of its glyphs (Source Sans 3 widths; 0.8 size above the baseline, 0.2 below, 13 pt per
 * extra line).
 */
function stepChartGeometry(svg: string): { segments: Rect[]; ruleY: number; objectif?: Rect & { lines: string[] }; values: (Rect & { text: string })[] } {
  const d = /<path d="([^"]+)" stroke="#1f4e79" stroke-width="2"\/>/.exec(svg)?.[1] ?? '';
  const points = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  const segments = points.slice(1).map((p, i) => {
    const q = points[i]!;
    return { x1: Math.min(p.x, q.x) - 1, y1: Math.min(p.y, q.y) - 1, x2: Math.max(p.x, q.x) + 1, y2: Math.max(p.y, q.y) + 1 };
  });
  const ruleY = Number(/<line transform="translate\([\d.]+,([\d.]+)\)"[^>]*stroke-dasharray="6,4"/.exec(svg)?.[1]);
  const box = (x: number, y: number, lines: string[], bold: boolean) => ({
    x1: x,
    y1: y - 0.8 * 11,
    x2: x + Math.max(...lines.map((l) => measureText(l, 11, bold ? 'bold' : 'normal'))),
    y2: y + 0.2 * 11 + 13 * (lines.length - 1),
  });
  const texts = [...svg.matchAll(/<text text-anchor="start" transform="translate\((-?[\d.]+),(-?[\d.]+)\)" font-family="Source Sans 3" font-size="11px"( font-weight="bold")? fill="(#[0-9a-f]{6})">([\s\S]*?)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    bold: m[3] !== undefined,
    fill: m[4],
    lines: m[5]!.includes('<tspan') ? [...m[5]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1]!.replace(/&#39;/g, "'")) : [m[5]!.replace(/&#39;/g, "'")],
  }));
  // (Not the key under the title, that starts with a dashed sample of the rule.)
  const label = texts.find((t) => t.bold && t.fill === '#595959' && !t.lines[0]!.startsWith('\u2013'));
  return {
    segments,
    ruleY,
    ...(label ? { objectif: { ...box(label.x, label.y, label.lines, true), lines: label.lines } } : {}),
    values: texts.filter((t) => !t.bold && /^\d+(,\d+)?$/.test(t.lines[0]!)).map((t) => ({ ...box(t.x, t.y, t.lines, false), text: t.lines[0]! })),
  };
}

describe('etpParStructureChart', () => {
  it('draws sorted bars with French values, print-safe SVG and a 2× PNG', async () => {
    const chart = await etpParStructureChart(STRUCTURES);
    checkChart(chart, 480, chart.height);
    const texts = svgTexts(chart.svg);
    expect(texts).toContain('ETP par structure porteuse');
    expect(texts).toContain('AAE');
    expect(texts).toContain('0,5');
    expect(texts).toContain('4,5');
    expect(texts).toContain('Sauvegarde 49 &amp; Co');
    expect(texts).toContain('Centre social "Étoile"');
    // Sorted by ETP descending, then name: AAE before Itinéraires (both 6), then 4,5, 2, 0,5.
    const order = ['AAE', 'Itinéraires', 'Association départementale', 'Centre social', 'Sauvegarde 49'].map((name) =>
      texts.findIndex((t) => t.startsWith(name)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // A long name wraps on two lines and never overflows the label column.
    expect(chart.svg).toMatch(/<tspan[^>]*>Association départementale de<\/tspan>/);
    // Height grows with the number of bars.
    expect(chart.height).toBeGreaterThan(200);
  });

  it('is deterministic: same svg and same PNG bytes twice', async () => {
    const a = await etpParStructureChart(STRUCTURES);
    const b = await etpParStructureChart([...STRUCTURES].reverse());
    expect(b.svg).toBe(a.svg);
    expect(Buffer.compare(Buffer.from(a.png), Buffer.from(b.png))).toBe(0);
  });

  it('states the data in its French alt text', async () => {
    const chart = await etpParStructureChart(STRUCTURES);
    expect(chart.alt).toBe(
      'Diagramme en barres horizontales « ETP par structure porteuse », par ordre décroissant : ' +
        "AAE : 6 ETP ; Itinéraires : 6 ETP ; Association départementale de sauvegarde de l'enfance et de l'adolescence : 4,5 ETP ; " +
        'Centre social "Étoile" : 2 ETP ; Sauvegarde 49 & Co : 0,5 ETP. Total : 19 ETP.',
    );
    expect(chart.svg).toContain('<title>Diagramme en barres horizontales');
  });

  it('honours width, height and title options', async () => {
    const chart = await etpParStructureChart([{ structurePorteuse: 'AAE', etp: 6 }], { width: 300, height: 150, titre: null });
    checkChart(chart, 300, 150);
    expect(svgTexts(chart.svg)).not.toContain('ETP par structure porteuse');
  });

  it('rejects invalid data in French', async () => {
    await expect(etpParStructureChart([])).rejects.toThrow(AlsesError);
    await expect(etpParStructureChart([{ structurePorteuse: 'AAE', etp: -1 }])).rejects.toThrow(/ETP « -1 » invalide/);
    await expect(etpParStructureChart([{ structurePorteuse: 'AAE', etp: Number.NaN }])).rejects.toThrow(/invalide/);
    await expect(
      etpParStructureChart([
        { structurePorteuse: 'AAE', etp: 1 },
        { structurePorteuse: 'AAE ', etp: 2 },
      ]),
    ).rejects.toThrow(/« AAE » en double/);
    await expect(etpParStructureChart([{ structurePorteuse: ' ', etp: 1 }])).rejects.toThrow(/sans nom/);
    await expect(etpParStructureChart([{ structurePorteuse: 'AAE', etp: 1 }], { width: 10 })).rejects.toThrow(/Dimension/);
  });
});

describe('etpParMoisChart', () => {
  it('draws the months in French with the objectif line', async () => {
    const chart = await etpParMoisChart(ETP_PAR_MOIS, OBJECTIF);
    checkChart(chart, 480, 260);
    const texts = svgTexts(chart.svg);
    expect(texts).toContain('ETP en place par mois');
    expect(texts).toContain('juil. 2019');
    expect(texts).toContain('janv. 2020');
    expect(texts).toContain('Objectif : 50 ETP');
    expect(texts).toContain('24,5');
    expect(texts).toContain('47,5');
    // Dashed rule for the objectif.
    expect(chart.svg).toContain('stroke-dasharray="6,4"');
  });

  it('is deterministic: same svg and same PNG bytes twice', async () => {
    const a = await etpParMoisChart(ETP_PAR_MOIS, OBJECTIF);
    const b = await etpParMoisChart([...ETP_PAR_MOIS].reverse(), OBJECTIF);
    expect(b.svg).toBe(a.svg);
    expect(Buffer.compare(Buffer.from(a.png), Buffer.from(b.png))).toBe(0);
  });

  it('states the data in its French alt text, grouping equal months', async () => {
    const chart = await etpParMoisChart(ETP_PAR_MOIS, OBJECTIF);
    expect(chart.alt).toBe(
      'Graphique en escalier « ETP en place par mois », de juillet\u00a02019 à juin\u00a02020 : ' +
        'de juillet à août\u00a02019 : 10 ETP ; septembre\u00a02019 : 24,5 ETP ; d’octobre à novembre\u00a02019 : 30 ETP ; ' +
        'décembre\u00a02019 : 36 ETP ; de janvier à février\u00a02020 : 41 ETP ; mars\u00a02020 : 44 ETP ; ' +
        "d’avril à mai\u00a02020 : 47,5 ETP ; juin\u00a02020 : 48 ETP. Ligne horizontale : Objectif : 50 ETP.",
    );
  });

  it('works without objectif, with a single month and over three years', async () => {
    const single = await etpParMoisChart([{ mois: '2019-07', etp: 12.5 }], undefined);
    checkChart(single, 480, 260);
    expect(svgTexts(single.svg)).toContain('12,5');
    expect(single.svg).not.toContain('Objectif');
    expect(single.alt).toContain('pour juillet\u00a02019 : juillet\u00a02019 : 12,5 ETP');

    const long = Array.from({ length: 36 }, (_, i) => ({
      mois: `${2019 + Math.floor((i + 6) / 12)}-${String(((i + 6) % 12) + 1).padStart(2, '0')}`,
      etp: Math.min(50, 5 + i * 1.5),
    }));
    const chart = await etpParMoisChart(long, { cible: 50, libelle: '' });
    checkChart(chart, 480, 260);
    expect(svgTexts(chart.svg)).toContain('Objectif : 50 ETP');
    // Month labels thinned out, none hidden through opacity.
    const monthLabels = svgTexts(chart.svg).filter((t) => /^\S+ 20\d\d$/.test(t));
    expect(monthLabels.length).toBeGreaterThan(3);
    expect(monthLabels.length).toBeLessThan(10);
  });

  it('sets the objectif label against its rule, clear of the line and of the value labels', async () => {
    const months = (n: number, from = 7) => Array.from({ length: n }, (_, i) => `${2019 + Math.floor((from - 1 + i) / 12)}-${String(((from - 1 + i) % 12) + 1).padStart(2, '0')}`);
    const long = "atteindre une cinquantaine de postes sur le territoire d'ici 2020";
    const cases: [string, number[], string][] = [
      ['ETP_PAR_MOIS', ETP_PAR_MOIS.map((r) => r.etp), OBJECTIF.libelle],
      // The monthly report of December 2019: over the objectif from September on, long label.
      ['2019-12', [41, 41, 52, 52, 52, 52], long],
      ['2019-09', [41, 41, 52], long],
      ['on the rule, then around it', [50, 48, 52, 55], OBJECTIF.libelle],
      ['above it all along', [60, 70, 80, 90], OBJECTIF.libelle],
      ['just under it', [49, 49.5, 49.5, 49], long],
    ];
    for (const [name, etp, libelle] of cases) {
      const chart = await etpParMoisChart(
        months(etp.length).map((mois, i) => ({ mois, etp: etp[i]! })),
        { cible: 50, libelle },
      );
      const { segments, ruleY, objectif, values } = stepChartGeometry(chart.svg);
      expect(segments.length, name).toBeGreaterThan(0);
      expect(objectif?.lines.join(' '), name).toBe(libelle);
      const label = objectif!;
      // Right above or right below the dashed rule, inside the plot.
      expect(label.y2 <= ruleY - 2 || label.y1 >= ruleY + 2, name).toBe(true);
      expect(Math.min(Math.abs(label.y2 - ruleY), Math.abs(label.y1 - ruleY)), name).toBeLessThan(6);
      expect(label.x1, name).toBeGreaterThanOrEqual(0);
      expect(label.y1, name).toBeGreaterThanOrEqual(0);
      // Neither the line nor a value label comes within 2 pt of it.
      for (const segment of segments) expect(touches(label, segment, 2), `${name}: line ${JSON.stringify(segment)}`).toBe(false);
      for (const value of values) expect(touches(label, value, 2), `${name}: value label ${value.text}`).toBe(false);
      // The last value is written.
      expect(values.map((v) => v.text), name).toContain(etp.at(-1)!.toString().replace('.', ','));
    }
  });

  it('moves the objectif label under the title when the line leaves no room by the rule', async () => {
    const chart = await etpParMoisChart(
      Array.from({ length: 12 }, (_, i) => ({ mois: `2019-${String(i + 1).padStart(2, '0')}`, etp: i % 2 ? 48 : 52 })),
      { cible: 50, libelle: "atteindre une cinquantaine de postes sur le territoire d'ici 2020" },
    );
    checkChart(chart, 480, 260);
    const texts = svgTexts(chart.svg).map((t) => t.replace(/&#39;/g, "'").replace(/\s+/g, ' '));
    // A dashed sample of the rule, then the label, right under the title.
    expect(texts.indexOf("\u2013 \u2013 \u2013 atteindre une cinquantaine de postes sur le territoire d'ici 2020")).toBe(texts.indexOf('ETP en place par mois') + 1);
    expect(stepChartGeometry(chart.svg).objectif).toBeUndefined();
  });

  it('rejects invalid data in French', async () => {
    await expect(etpParMoisChart([], OBJECTIF)).rejects.toThrow(/aucun mois/);
    await expect(etpParMoisChart([{ mois: '2019-13', etp: 1 }], OBJECTIF)).rejects.toThrow(/mois « 2019-13 » invalide/);
    await expect(etpParMoisChart([{ mois: '07/2019', etp: 1 }], OBJECTIF)).rejects.toThrow(/AAAA-MM/);
    await expect(
      etpParMoisChart(
        [
          { mois: '2019-07', etp: 1 },
          { mois: '2019-07', etp: 2 },
        ],
        OBJECTIF,
      ),
    ).rejects.toThrow(/en double/);
    await expect(etpParMoisChart([{ mois: '2019-07', etp: 1 }], { cible: 0, libelle: 'x' })).rejects.toThrow(/objectif/);
  });

  it('formats axis month labels', () => {
    expect(monthAxisLabel('2019-07')).toBe('juil. 2019');
    expect(monthAxisLabel('2020-02')).toBe('févr. 2020');
  });
});

describe('concurrency', () => {
  it('renders the same charts when several run at once', async () => {
    const sequential = [await etpParStructureChart(STRUCTURES), await etpParMoisChart(ETP_PAR_MOIS, OBJECTIF)];
    const parallel = await Promise.all([etpParStructureChart(STRUCTURES), etpParMoisChart(ETP_PAR_MOIS, OBJECTIF), etpParStructureChart(STRUCTURES)]);
    expect(parallel.map((c) => c.svg)).toEqual([sequential[0]!.svg, sequential[1]!.svg, sequential[0]!.svg]);
    expect(Buffer.from(parallel[1]!.png).equals(Buffer.from(sequential[1]!.png))).toBe(true);
  });
});

describe('assertPrintSafeSvg', () => {
  const ok = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><rect width="10" height="10" fill="white"/>';
  it('accepts an opaque SVG on white', () => {
    expect(() => assertPrintSafeSvg(`${ok}<path d="M0,0h1" stroke="#000"/></svg>`)).not.toThrow();
  });
  it.each([
    ['opacity', '<path d="M0,0h1" opacity="0.5"/>'],
    ['fill-opacity', '<path d="M0,0h1" fill-opacity=".7"/>'],
    ['rgba', '<path d="M0,0h1" fill="rgba(0,0,0,0.5)"/>'],
    ['transparent', '<path d="M0,0h1" fill="transparent"/>'],
    ['clip path', '<g clip-path="url(#c1)"/>'],
    ['image', '<image href="x.png"/>'],
  ])('rejects %s', (_, body) => {
    expect(() => assertPrintSafeSvg(`${ok}${body}</svg>`)).toThrow(/not print-safe/);
  });
  it('rejects a missing white background', () => {
    expect(() => assertPrintSafeSvg('<svg width="10" height="10"><path d="M0,0h1"/></svg>')).toThrow(/white background/);
  });
});
