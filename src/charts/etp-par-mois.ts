/**
 * Step chart "ETP en place par mois", with the objectif's rule and label.
 */
import type { Axis, Data, Mark, Spec } from 'vega';
import type { Objectif } from '../dataset/model.ts';
import { formatMonth } from '../dates.ts';
import { formatEtp } from '../format.ts';
import { measureText } from '../fonts.ts';
import { shortMonthLabel } from './locale.ts';
import { LINE_HEIGHT, lineBoxes, MARGIN, overlaps, placeObjectif, textBox, VALUE_DX, VALUE_DY, type Box, type ValueSide } from './placement.ts';
import { plotSize, renderChart, type Chart } from './render.ts';
import { baseConfig, BLUE, checkEtp, checkSize, DEFAULT_WIDTH, FONT_SIZE, invalid, TARGET, TEXT, textOf, topLevel, validExpr, wrapLabel, type ChartOptions, type ChartTitle } from './style.ts';

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

  /** The objectif's label on its rule: its lines, shift from the rule and date under its left end. */
  type ObjectifLabel = { text: string | string[]; dy: number; t: number };
  // Written in Vega as Vega-Lite 6.4 compiled the former Vega-Lite layers (line, points, value
  // labels above and below their points, the objectif's rule and label): the same pictures.
  const specWith = (label?: ObjectifLabel, key?: string[]): Spec => {
    const values = rows.map((r, i) => ({ t: time(r.index), etp: r.etp, label: formatEtp(r.etp), side: sides[i] }));
    const toDate = { type: 'formula', expr: 'toDate(datum["t"])', as: 't' } as const;
    const validPoint = { type: 'filter', expr: validExpr(['etp'], 't') } as const;
    const xy = { x: { scale: 'x', field: 't' }, y: { scale: 'y', field: 'etp' } };
    const data: Data[] = [
      { name: 'source_0', values },
      ...(objectif ? [{ name: 'source_1', values: [{ cible: objectif.cible }] }] : []),
      ...(objectif && label ? [{ name: 'source_2', values: [{ cible: objectif.cible, t: label.t }] }] : []),
      { name: 'data_0', source: 'source_0', transform: [toDate] },
      { name: 'data_1', source: 'data_0', transform: [validPoint] },
      ...(['above', 'below'] as const).map((side, i) => ({ name: `data_${2 + i}`, source: 'data_0', transform: [{ type: 'filter', expr: `datum.side === '${side}'` } as const, validPoint] })),
      ...(objectif ? [{ name: 'data_4', source: 'source_1', transform: [{ type: 'filter', expr: validExpr(['cible']) } as const] }] : []),
      ...(objectif && label ? [{ name: 'data_5', source: 'source_2', transform: [toDate, { type: 'filter', expr: validExpr(['cible'], 't') } as const] }] : []),
    ];
    const marks: Mark[] = [
      {
        name: 'layer_0_marks',
        type: 'line',
        style: ['line'],
        sort: { field: 'x' },
        from: { data: 'data_0' },
        encode: {
          update: {
            strokeWidth: { value: 2 },
            interpolate: { value: 'step-after' },
            stroke: { value: BLUE },
            ...xy,
            defined: { signal: `isValid(datum["t"]) && isFinite(+datum["t"]) && isValid(datum["etp"]) && isFinite(+datum["etp"])` },
          },
        },
      },
      { name: 'layer_1_marks', type: 'symbol', style: ['point'], from: { data: 'data_1' }, encode: { update: { size: { value: 28 }, fill: { value: BLUE }, ...xy } } },
      ...(['above', 'below'] as const).map(
        (side, i): Mark => ({
          name: `layer_${2 + i}_marks`,
          type: 'text',
          style: ['text'],
          from: { data: `data_${2 + i}` },
          encode: {
            update: {
              align: { value: 'left' },
              baseline: { value: 'alphabetic' },
              dx: { value: VALUE_DX },
              dy: { value: VALUE_DY[side] },
              fontSize: { value: FONT_SIZE },
              fill: { value: TEXT },
              ...xy,
              text: textOf('label'),
            },
          },
        }),
      ),
    ];
    if (objectif) {
      marks.push({
        name: 'layer_4_marks',
        type: 'rule',
        style: ['rule'],
        from: { data: 'data_4' },
        encode: {
          update: {
            strokeWidth: { value: 1.5 },
            strokeDash: { value: [6, 4] },
            stroke: { value: TARGET },
            x: { field: { group: 'width' } },
            x2: { value: 0 },
            y: { scale: 'y', field: 'cible' },
          },
        },
      });
      if (label)
        marks.push({
          name: 'layer_5_marks',
          type: 'text',
          style: ['text'],
          from: { data: 'data_5' },
          encode: {
            update: {
              align: { value: 'left' },
              baseline: { value: 'alphabetic' },
              text: { value: label.text },
              dy: { value: label.dy },
              fontSize: { value: FONT_SIZE },
              fontWeight: { value: 'bold' },
              lineHeight: { value: LINE_HEIGHT },
              fill: { value: TARGET },
              x: { scale: 'x', field: 't' },
              y: { scale: 'y', field: 'cible' },
            },
          },
        });
    }
    const yAxis = { tickCount: 5, tickMinStep: 1 };
    // A lone month: its one label (and, beside the objectif's label, Vega-Lite's default count).
    const monthTicks =
      span === 0
        ? { values: [{ signal: `datetime(${time(first.index)})` }], aria: false, ...(label ? { tickCount: { signal: 'ceil(width/40)' } } : {}) }
        : { tickCount: { interval: 'month', step }, aria: false };
    return {
      ...topLevel(width, height, key === undefined ? (titre ? { text: titre } : undefined) : keyTitle(titre, key)),
      data,
      marks,
      scales: [
        { name: 'x', type: 'utc', domain: { fields: domain.map((d) => ({ signal: `{data: datetime(${d})}` })) }, range: [0, { signal: 'width' }], nice: false },
        { name: 'y', type: 'linear', domain: [0, yMax], range: [{ signal: 'height' }, 0], nice: false, zero: true },
      ],
      axes: [
        { scale: 'y', orient: 'left', grid: true, ...yAxis, gridScale: 'x', domain: false, labels: false, aria: false, maxExtent: 0, minExtent: 0, ticks: false, zindex: 0 },
        { scale: 'x', orient: 'bottom', grid: false, format: '%b %Y', labelFlush: true, ...monthTicks, zindex: 0 } as Axis,
        { scale: 'y', orient: 'left', grid: false, title: 'ETP', format: ',.2~f', ...yAxis, aria: false, zindex: 0 },
      ],
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

  let spec = specWith();
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
      return renderChart(specWith(undefined, key), alt, { width, height });
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
    spec = specWith({ text: place.lines.length === 1 ? place.lines[0]! : [...place.lines], dy: place.dy, t });
  }
  return renderChart(spec, alt, { width, height });
}

/** A dashed line drawn with text: the sample of the objectif's rule in the key under the title. */
const KEY_DASHES = '\u2013 \u2013 \u2013';

/** The chart's title with the objectif's key under it (or the key alone when there is no title). */
function keyTitle(titre: string | null, key: string[]): ChartTitle {
  const style = { color: TARGET, fontSize: FONT_SIZE, fontWeight: 'bold' as const };
  return titre
    ? { text: titre, subtitle: key, subtitleColor: style.color, subtitleFontSize: style.fontSize, subtitleFontWeight: style.fontWeight, subtitlePadding: 4 }
    : { text: key, ...style };
}

/**
 * French month range: "juillet 2019", "de juillet à septembre 2019", "d'octobre 2019 à mars 2020"
 * (`single` prefixes a lone month).
 */
function monthRange(a: { mois: string; year: number }, b: { mois: string; year: number }, single = ''): string {
  const from = formatMonth(a.mois);
  if (a.mois === b.mois) return `${single}${from}`;
  const start = a.year === b.year ? from.replace(/\u00a0\d{4}$/, '') : from;
  return `${/^[aeiouyéh]/i.test(start) ? 'd’' : 'de '}${start} à ${formatMonth(b.mois)}`;
}

/** Month label as on the chart's axis: "juil. 2019". */
export function monthAxisLabel(mois: string): string {
  const m = MONTH_RE.exec(mois);
  if (!m) invalid(`Mois « ${mois} » invalide (attendu : AAAA-MM)`);
  return shortMonthLabel(Number(m[2]) - 1, Number(m[1]));
}
