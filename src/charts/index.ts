/**
 * Charts of the monthly report: ETP par structure porteuse (horizontal bars) and ETP en place
 * par mois (step line with the objectif). Each returns a `Chart`: SVG for the PDF and HTML, PNG
 * at 2× for the DOCX, and a French text alternative.
 *
 * Built with Vega-Lite compiled to Vega and rendered headless (see `render.ts`). Sober style:
 * one dark blue, grey grid, black text, Source Sans 3, no transparency.
 */
import type { TopLevelSpec } from 'vega-lite';
import { AlsesError } from '../errors.ts';
import type { Objectif } from '../dataset/model.ts';
import { formatMonth } from '../dates.ts';
import { formatEtp } from '../format.ts';
import { CHART_FONT_FAMILY, measureText } from './fonts.ts';
import { shortMonthLabel } from './locale.ts';
import { plotSize, renderChart, type Chart } from './render.ts';

export type { Chart } from './render.ts';
export { assertPrintSafeSvg, PNG_SCALE } from './render.ts';
export { CHART_FONT_FAMILY, CHART_FONT_FILES } from './fonts.ts';

/** Options common to both charts. */
export interface ChartOptions {
  /** Whole chart width in points (default 480). */
  readonly width?: number;
  /** Whole chart height in points (default: from the number of bars, or 260). */
  readonly height?: number;
  /** Title drawn at the top of the chart; `null` for none (default: the chart's name). */
  readonly titre?: string | null;
}

/** One bar of `etpParStructureChart`. */
export interface EtpParStructure {
  readonly structurePorteuse: string;
  readonly etp: number;
}

/** One month of `etpParMoisChart`. */
export interface EtpParMois {
  /** Month, `YYYY-MM`. */
  readonly mois: string;
  /** ETP in place during that month. */
  readonly etp: number;
}

/**
 * Target line of `etpParMoisChart`: the objectif's `cible` in ETP (e.g. 50) and its `libelle`,
 * drawn on the line (blank → "Objectif : <cible> ETP").
 */
export type ObjectifLine = Pick<Objectif, 'cible' | 'libelle'>;

const BLUE = '#1f4e79';
const TEXT = '#1a1a1a';
const AXIS = '#595959';
const GRID = '#d9d9d9';
const TARGET = '#595959';
const FONT_SIZE = 11;
const TITLE_SIZE = 13;
const DEFAULT_WIDTH = 480;

/** Vega-Lite config shared by both charts: opaque marks, French-ready fonts, sober colours. */
function baseConfig(): NonNullable<TopLevelSpec['config']> {
  return {
    font: CHART_FONT_FAMILY,
    background: 'white',
    padding: 6,
    aria: false,
    view: { stroke: null },
    mark: { opacity: 1, fillOpacity: 1, strokeOpacity: 1, color: BLUE },
    bar: { opacity: 1, fillOpacity: 1, strokeOpacity: 1, color: BLUE },
    line: { opacity: 1, strokeOpacity: 1, color: BLUE },
    point: { opacity: 1, fillOpacity: 1, strokeOpacity: 1, filled: true, color: BLUE },
    rule: { opacity: 1, strokeOpacity: 1 },
    text: { opacity: 1, fillOpacity: 1, color: TEXT, fontSize: FONT_SIZE },
    title: { fontSize: TITLE_SIZE, fontWeight: 'bold', color: TEXT, anchor: 'start', offset: 10 },
    axis: {
      labelFont: CHART_FONT_FAMILY,
      titleFont: CHART_FONT_FAMILY,
      labelFontSize: FONT_SIZE,
      titleFontSize: FONT_SIZE,
      titleFontWeight: 'normal',
      labelColor: TEXT,
      titleColor: TEXT,
      domainColor: AXIS,
      tickColor: AXIS,
      gridColor: GRID,
      labelOpacity: 1,
      titleOpacity: 1,
      domainOpacity: 1,
      tickOpacity: 1,
      gridOpacity: 1,
      labelOverlap: true,
      labelPadding: 4,
    },
  };
}

function invalid(message: string): never {
  throw new AlsesError('INVALID_INPUT', message);
}

function checkEtp(etp: number, where: string): void {
  if (typeof etp !== 'number' || !Number.isFinite(etp) || etp < 0) {
    invalid(`ETP « ${String(etp)} » invalide pour ${where} (attendu : nombre positif ou nul)`);
  }
}

function checkSize(options: ChartOptions): void {
  for (const key of ['width', 'height'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 120 && v <= 2000)) {
      invalid(`Dimension de graphique « ${key} = ${String(v)} » invalide (attendu : entier de 120 à 2000 points)`);
    }
  }
}

/**
 * Splits a label into at most `maxLines` lines no wider than `maxWidth` (at the axis label size,
 * regular or bold), breaking at spaces; a last line still too long ends with "…".
 */
function wrapLabel(label: string, maxWidth: number, maxLines = 2, bold = false): string[] {
  const fits = (t: string) => measureText(t, FONT_SIZE, bold) <= maxWidth;
  const lines: string[] = [];
  let current = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate) || !current) current = candidate;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  const kept = lines.slice(0, maxLines);
  const truncated = lines.length > maxLines;
  let last = kept[kept.length - 1] ?? '';
  if (truncated || !fits(last)) {
    if (truncated) last = `${last} ${lines.slice(maxLines).join(' ')}`;
    while (last.length > 1 && !fits(`${last}…`)) last = last.slice(0, -1).trimEnd();
    last = `${last}…`;
  }
  kept[kept.length - 1] = last;
  return kept;
}

/**
 * Horizontal bar chart "ETP par structure porteuse", bars sorted by ETP descending then name,
 * each bar labelled with its value ("0,5"). Long names wrap on two lines.
 * @throws AlsesError INVALID_INPUT on empty data, a blank or repeated name, or an invalid ETP.
 */
export async function etpParStructureChart(data: readonly EtpParStructure[], options: ChartOptions = {}): Promise<Chart> {
  checkSize(options);
  if (data.length === 0) invalid('Graphique « ETP par structure porteuse » : aucune structure porteuse');
  const seen = new Set<string>();
  for (const row of data) {
    const name = typeof row.structurePorteuse === 'string' ? row.structurePorteuse.trim() : '';
    if (!name) invalid('Graphique « ETP par structure porteuse » : structure porteuse sans nom');
    if (seen.has(name)) invalid(`Graphique « ETP par structure porteuse » : structure porteuse « ${name} » en double`);
    seen.add(name);
    checkEtp(row.etp, `la structure porteuse « ${name} »`);
  }
  const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
  const rows = data
    .map((r) => ({ name: r.structurePorteuse.trim(), etp: r.etp }))
    .sort((a, b) => b.etp - a.etp || collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const titre = options.titre === undefined ? 'ETP par structure porteuse' : options.titre;
  const width = options.width ?? DEFAULT_WIDTH;
  const labelWidth = Math.round(width * 0.32);
  const values = rows.map((r, i) => ({
    key: i,
    lines: wrapLabel(r.name, labelWidth),
    etp: r.etp,
    label: formatEtp(r.etp),
  }));
  // One band per bar: taller when some name wraps on two lines.
  const band = values.some((v) => v.lines.length > 1) ? 34 : 26;
  const height = options.height ?? Math.max(140, (titre ? 28 : 0) + 42 + band * rows.length);
  // Bar thickness: 70 % of the (estimated) band, at most 22 pt however few the bars.
  const barSize = Math.max(2, Math.min(22, Math.round((0.7 * (height - (titre ? 28 : 0) - 42)) / rows.length)));
  const maxEtp = Math.max(...rows.map((r) => r.etp));

  const y = {
    field: 'key',
    type: 'ordinal' as const,
    sort: null,
    axis: {
      title: null,
      ticks: false,
      domain: true,
      labelLimit: 0,
      labelExpr: `${JSON.stringify(values.map((v) => v.lines))}[datum.value]`,
      labelLineHeight: FONT_SIZE + 1,
    },
  };
  const spec: TopLevelSpec = {
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    ...(titre ? { title: { text: titre } } : {}),
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', color: BLUE, size: barSize },
        encoding: {
          x: {
            field: 'etp',
            type: 'quantitative',
            scale: { domain: [0, maxEtp > 0 ? maxEtp : 1], nice: true, zero: true },
            axis: { title: 'ETP', format: ',.2~f', tickMinStep: 0.5, grid: true, gridColor: GRID, tickCount: 6 },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, color: TEXT, fontSize: FONT_SIZE },
        encoding: { x: { field: 'etp', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
    config: baseConfig(),
  };
  const alt =
    `Diagramme en barres horizontales${titre ? ` « ${titre} »` : ' des ETP par structure porteuse'}, par ordre décroissant : ` +
    rows.map((r) => `${r.name} : ${formatEtp(r.etp)} ETP`).join(' ; ') +
    `. Total : ${formatEtp(rows.reduce((s, r) => s + r.etp, 0))} ETP.`;
  return renderChart(spec, alt, { width, height });
}

/** Smallest "round" value (1, 2 or 5 × 10^k steps, about five of them) at or above `v`. */
function niceCeil(v: number): number {
  const raw = v / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((x) => x >= raw) ?? 10 * power;
  return Math.ceil(v / step - 1e-9) * step;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Step chart "ETP en place par mois": the ETP in place each month (x axis "juil. 2019"), with a
 * dashed horizontal rule at the objectif labelled with its `libelle`. The value is written where
 * it changes (and at both ends).
 *
 * The objectif's label sits on its rule, just above or below it, where neither the line nor a
 * value label comes near it (`placeObjectif`), on two lines when one is too long to fit between
 * the steps; value labels it would still touch move to the other side of their point, or go.
 * When the line leaves no room by the rule (a line hugging it all along), the label goes under the
 * title, after a dashed sample. Placing it needs the plot's size, hence one layout pass first.
 * @throws AlsesError INVALID_INPUT on empty data, an invalid or repeated month, an invalid ETP or objectif.
 */
export async function etpParMoisChart(
  data: readonly EtpParMois[],
  objectif: ObjectifLine | undefined,
  options: ChartOptions = {},
): Promise<Chart> {
  checkSize(options);
  if (data.length === 0) invalid('Graphique « ETP en place par mois » : aucun mois');
  const seen = new Set<string>();
  const rows = data.map((row) => {
    const m = typeof row.mois === 'string' ? MONTH_RE.exec(row.mois) : null;
    if (!m) invalid(`Graphique « ETP en place par mois » : mois « ${String(row.mois)} » invalide (attendu : AAAA-MM, ex. 2019-07)`);
    if (seen.has(row.mois)) invalid(`Graphique « ETP en place par mois » : mois « ${row.mois} » en double`);
    seen.add(row.mois);
    checkEtp(row.etp, `le mois ${row.mois}`);
    const year = Number(m[1]);
    const month = Number(m[2]) - 1;
    return { mois: row.mois, year, month, index: year * 12 + month, etp: row.etp };
  });
  rows.sort((a, b) => a.index - b.index);
  if (objectif !== undefined && !(typeof objectif.cible === 'number' && Number.isFinite(objectif.cible) && objectif.cible > 0)) {
    invalid(`Graphique « ETP en place par mois » : objectif « ${String(objectif.cible)} » invalide (attendu : nombre strictement positif)`);
  }
  const libelle = objectif ? objectif.libelle?.trim() || `Objectif : ${formatEtp(objectif.cible)} ETP` : undefined;

  const titre = options.titre === undefined ? 'ETP en place par mois' : options.titre;
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? 260;

  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const time = (index: number) => Date.UTC(Math.floor(index / 12), index % 12, 1);
  const span = last.index - first.index;
  // A lone month gets one month of margin each side so the axis is not degenerate.
  const domain = span === 0 ? [time(first.index - 1), time(first.index + 1)] : [time(first.index), time(last.index)];
  // Month labels are ~50 pt wide: keep one tick every `step` months so they never collide.
  const plotWidth = width - 70;
  const labelWidth = measureText('sept. 2019', FONT_SIZE) + 14;
  const months = Math.max(span, 2);
  const step = [1, 2, 3, 4, 6, 12, 24].find((s) => (months / s) * labelWidth <= plotWidth) ?? 24;

  const yMax = niceCeil(Math.max(...rows.map((r) => r.etp), objectif?.cible ?? 0, 1) * 1.08);
  // Approximate plot size, until the layout pass gives it.
  let plot = { width: plotWidth, height: height - (titre ? 30 : 0) - 40 };
  // Value labels where the value changes (and at both ends), dropped where they would touch the
  // previous one or the last one (x positions estimated on the plot width).
  const xOf = (index: number) => (span === 0 ? plotWidth / 2 : ((index - first.index) / span) * plotWidth);
  const labelEnd = (r: (typeof rows)[number]) => xOf(r.index) + 2 + measureText(formatEtp(r.etp), FONT_SIZE) + 6;
  const shown = new Set<number>([0, rows.length - 1]);
  let lastEnd = labelEnd(first);
  for (let i = 1; i < rows.length - 1; i++) {
    const r = rows[i]!;
    if (r.etp === rows[i - 1]!.etp || xOf(r.index) < lastEnd || labelEnd(r) > xOf(last.index)) continue;
    shown.add(i);
    lastEnd = labelEnd(r);
  }
  // Plot coordinates (points from the plot's top left corner, y downwards) of months and values.
  const px = (index: number) => ((time(index) - domain[0]!) / (domain[1]! - domain[0]!)) * plot.width;
  const py = (etp: number) => plot.height * (1 - etp / yMax);
  // A value label goes above its point, or below it when above it would cross the objectif's rule.
  const sideOf = (r: (typeof rows)[number]): ValueSide => {
    const gap = objectif ? py(r.etp) - py(objectif.cible) : Infinity;
    return gap >= 0 && gap < FONT_SIZE + 6 ? 'below' : 'above';
  };
  let sides: ValueSide[] = rows.map((r, i) => (shown.has(i) ? sideOf(r) : 'none'));

  const x = {
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const, domain, nice: false },
    axis: {
      title: null,
      format: '%b %Y',
      grid: false,
      ...(span === 0 ? { values: [time(first.index)] } : { tickCount: { interval: 'month' as const, step } }),
      labelFlush: true,
    },
  };
  const yEnc = {
    field: 'etp',
    type: 'quantitative' as const,
    scale: { domain: [0, yMax], nice: false, zero: true },
    axis: { title: 'ETP', format: ',.2~f', tickMinStep: 1, grid: true, tickCount: 5 },
  };
  type Layers = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>;
  const specWith = (objectifLabel: Layers, key?: string[]): TopLevelSpec => {
    const values = rows.map((r, i) => ({ t: time(r.index), etp: r.etp, label: formatEtp(r.etp), side: sides[i] }));
    const layers: Layers = [
      {
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, color: BLUE },
        encoding: { x, y: yEnc },
      },
      {
        mark: { type: 'point', filled: true, size: 28, color: BLUE },
        encoding: { x, y: yEnc },
      },
    ];
    for (const side of ['above', 'below'] as const) {
      layers.push({
        transform: [{ filter: `datum.side === '${side}'` }],
        mark: { type: 'text', align: 'left', baseline: 'alphabetic', dx: VALUE_DX, dy: VALUE_DY[side], color: TEXT, fontSize: FONT_SIZE },
        encoding: { x, y: yEnc, text: { field: 'label' } },
      });
    }
    if (objectif) {
      layers.push(
        {
          data: { values: [{ cible: objectif.cible }] },
          mark: { type: 'rule', color: TARGET, strokeWidth: 1.5, strokeDash: [6, 4] },
          encoding: { y: { field: 'cible', type: 'quantitative' } },
        },
        ...objectifLabel,
      );
    }
    return {
      width,
      height,
      autosize: { type: 'fit', contains: 'padding' },
      ...(key === undefined ? (titre ? { title: { text: titre } } : {}) : { title: keyTitle(titre, key) }),
      data: { values },
      layer: layers,
      config: baseConfig(),
    };
  };

  // Alt text: runs of equal months are grouped ("de juillet 2019 à septembre 2019 : 10 ETP").
  const runs: string[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1]!.etp === rows[i]!.etp && rows[j + 1]!.index === rows[j]!.index + 1) j++;
    runs.push(`${monthRange(rows[i]!, rows[j]!)} : ${formatEtp(rows[i]!.etp)} ETP`);
    i = j + 1;
  }
  const alt =
    `Graphique en escalier${titre ? ` « ${titre} »` : ' des ETP en place par mois'}, ${monthRange(first, last, 'pour ')} : ` +
    runs.join(' ; ') +
    '.' +
    (libelle ? ` Ligne horizontale : ${libelle}.` : '');

  let spec = specWith([]);
  if (objectif && libelle) {
    // Layout pass: the plot's size with the value labels as they stand (the objectif's label,
    // kept inside the plot, takes no room of its own).
    plot = await plotSize(spec);
    sides = rows.map((r, i) => (sides[i] === 'none' ? 'none' : sideOf(r)));
    const ruleY = py(objectif.cible);
    const line = lineBoxes(rows.map((r) => ({ x: px(r.index), y: py(r.etp) })));
    const valueBox = (i: number, side: ValueSide): Box | undefined => {
      const r = rows[i]!;
      return side === 'none' ? undefined : textBox(px(r.index) + VALUE_DX, py(r.etp) + VALUE_DY[side], measureText(formatEtp(r.etp), FONT_SIZE));
    };
    const labels = sides.flatMap((side, i) => valueBox(i, side) ?? []);
    const place = placeObjectif(libelle, ruleY, plot, line, labels);
    if (place === undefined) {
      // No room by the rule: the label goes under the title, after a dashed sample of the rule.
      const key = wrapLabel(`${KEY_DASHES}\u2002${libelle}`, width - 12, 2, true);
      return renderChart(specWith([], key), alt, { width, height });
    }
    // Value labels the objectif's label still touches: to the other side of their point, or gone.
    sides = sides.map((side, i) => {
      const box = valueBox(i, side);
      if (!box || !overlaps(box, place.box, MARGIN)) return side;
      const other = side === 'above' ? 'below' : 'above';
      const moved = valueBox(i, other)!;
      return overlaps(moved, place.box, MARGIN) || line.some((b) => overlaps(moved, b)) ? 'none' : other;
    });
    // At the date under its left end, so that it keeps its place among the steps should the plot
    // come out a little wider or narrower now that some value labels moved.
    const t = domain[0]! + (place.x / plot.width) * (domain[1]! - domain[0]!);
    spec = specWith([
      {
        data: { values: [{ cible: objectif.cible, t }] },
        mark: {
          type: 'text',
          text: place.lines.length === 1 ? place.lines[0]! : [...place.lines],
          align: 'left',
          baseline: 'alphabetic',
          dy: place.dy,
          lineHeight: LINE_HEIGHT,
          color: TARGET,
          fontSize: FONT_SIZE,
          fontWeight: 'bold',
        },
        encoding: { x: { field: 't', type: 'temporal' }, y: { field: 'cible', type: 'quantitative' } },
      },
    ]);
  }
  return renderChart(spec, alt, { width, height });
}

/** A dashed line drawn with text: the sample of the objectif's rule in the key under the title. */
const KEY_DASHES = '\u2013 \u2013 \u2013';

/** The chart's title with the objectif's key under it (or the key alone when there is no title). */
function keyTitle(titre: string | null, key: string[]): NonNullable<Extract<TopLevelSpec, { title?: unknown }>['title']> {
  const style = { color: TARGET, fontSize: FONT_SIZE, fontWeight: 'bold' as const };
  return titre
    ? { text: titre, subtitle: key, subtitleColor: style.color, subtitleFontSize: style.fontSize, subtitleFontWeight: style.fontWeight, subtitlePadding: 4 }
    : { text: key, ...style };
}

/** Where a value label of `etpParMoisChart` goes: above its point, below it, or nowhere. */
type ValueSide = 'above' | 'below' | 'none';

/** Offsets of a value label from its point: right of it, baseline above or below it. */
const VALUE_DX = 2;
const VALUE_DY = { above: -6, below: 14 } as const;

/** Line height of a text on two lines. */
const LINE_HEIGHT = FONT_SIZE + 2;
/**
 * Room kept between the objectif's label and its rule (a little more when the line's dots sit on
 * the rule), the plot's sides, the line and value labels.
 */
const GAPS = [3, 5] as const;
const INSET = 4;
const MARGIN = 3;

/** A rectangle in plot coordinates (points from the plot's top left corner, y downwards). */
interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** `true` when `a` and `b`, one grown by `margin` on every side, overlap. */
export const overlaps = (a: Box, b: Box, margin = 0): boolean =>
  a.x1 < b.x2 + margin && b.x1 < a.x2 + margin && a.y1 < b.y2 + margin && b.y1 < a.y2 + margin;

/**
 * Box of a text of `FONT_SIZE` with its first baseline at (x, baseline): glyphs from 0.8 size above
 * the baseline to 0.2 size below it, as Vega bounds a text, one `LINE_HEIGHT` more per extra line.
 */
function textBox(x: number, baseline: number, width: number, lines = 1): Box {
  return { x1: x, y1: baseline - 0.8 * FONT_SIZE, x2: x + width, y2: baseline + 0.2 * FONT_SIZE + LINE_HEIGHT * (lines - 1) };
}

/**
 * Boxes covering a step line (step-after, 2 pt wide) through `points` and its dots: one per
 * horizontal run, per riser and per dot.
 */
function lineBoxes(points: readonly { x: number; y: number }[]): Box[] {
  const boxes: Box[] = [];
  points.forEach((p, i) => {
    boxes.push({ x1: p.x - 3.5, y1: p.y - 3.5, x2: p.x + 3.5, y2: p.y + 3.5 });
    const next = points[i + 1];
    if (!next) return;
    boxes.push({ x1: p.x, y1: p.y - 1, x2: next.x, y2: p.y + 1 });
    boxes.push({ x1: next.x - 1, y1: Math.min(p.y, next.y) - 1, x2: next.x + 1, y2: Math.max(p.y, next.y) + 1 });
  });
  return boxes;
}

/** Where the objectif's label goes: its lines, box, and the mark's x and dy from the rule. */
interface ObjectifPlace {
  readonly lines: readonly string[];
  readonly box: Box;
  readonly x: number;
  readonly dy: number;
}

/**
 * Places the objectif's label against its rule (at `ruleY`), inside the plot: on one line, else on
 * two; above the rule, else below; as far left as possible; first clear of the line and the value
 * labels, else clear of the line only (value labels then give way). `undefined` when the line
 * leaves no such place.
 */
function placeObjectif(
  libelle: string,
  ruleY: number,
  plot: { width: number; height: number },
  line: readonly Box[],
  labels: readonly Box[],
): ObjectifPlace | undefined {
  const room = plot.width - 2 * INSET;
  const widthOf = (lines: readonly string[]) => Math.max(...lines.map((l) => measureText(l, FONT_SIZE, true)));
  const texts = [[libelle], twoLines(libelle, room)].filter((t, i, all) => widthOf(t) <= room && (i === 0 || t.length > all[0]!.length));
  const at = (lines: readonly string[], side: 'above' | 'below', x: number, gap: number): ObjectifPlace => {
    const h = FONT_SIZE + LINE_HEIGHT * (lines.length - 1);
    const top = side === 'above' ? ruleY - gap - h : ruleY + gap;
    const dy = top + 0.8 * FONT_SIZE - ruleY;
    return { lines, box: textBox(x, ruleY + dy, widthOf(lines), lines.length), x, dy };
  };
  for (const obstacles of [[...line, ...labels], line]) {
    for (const lines of texts) {
      for (const side of ['above', 'below'] as const) {
        // Every point from the left, and flush right.
        const end = INSET + room - widthOf(lines);
        const xs = [...Array.from({ length: Math.floor(end - INSET) + 1 }, (_, i) => INSET + i), end];
        for (const x of xs) {
          for (const gap of GAPS) {
            const place = at(lines, side, x, gap);
            const { box } = place;
            if (box.y1 >= 0 && box.y2 <= plot.height - 2 && !obstacles.some((b) => overlaps(box, b, MARGIN))) return place;
          }
        }
      }
    }
  }
  return undefined;
}

/** `text` on two lines as even as can be (bold, at `FONT_SIZE`), none wider than `room`. */
function twoLines(text: string, room: number): string[] {
  const full = measureText(text, FONT_SIZE, true);
  const words = text.split(/\s+/).filter(Boolean).join(' ');
  for (let max = Math.ceil(full / 2); max <= room; max += 2) {
    const lines = wrapLabel(text, max, 2, true);
    if (lines.join(' ') === words) return lines;
  }
  return wrapLabel(text, room, 2, true);
}

/**
 * French month range: "juillet 2019", "de juillet à septembre 2019", "d'octobre 2019 à mars 2020"
 * (`single` prefixes a lone month).
 */
function monthRange(a: { mois: string; year: number }, b: { mois: string; year: number }, single = ''): string {
  const from = formatMonth(a.mois);
  if (a.mois === b.mois) return `${single}${from}`;
  const start = a.year === b.year ? from.replace(/\u00a0\d{4}$/, '') : from;
  return `${/^[aeiouyéh]/i.test(start) ? "d'" : 'de '}${start} à ${formatMonth(b.mois)}`;
}

/** Month label as on the chart's axis: "juil. 2019". */
export function monthAxisLabel(mois: string): string {
  const m = MONTH_RE.exec(mois);
  if (!m) invalid(`Mois « ${mois} » invalide (attendu : AAAA-MM)`);
  return shortMonthLabel(Number(m[2]) - 1, Number(m[1]));
}
