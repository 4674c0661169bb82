/**
 * Horizontal bar chart "ETP par structure porteuse".
 */
import type { Spec } from 'vega';
import { formatEtp } from '../format.ts';
import { renderChart, type Chart } from './render.ts';
import { baseConfig, BLUE, checkEtp, checkSize, DEFAULT_WIDTH, FONT_SIZE, GRID, invalid, TEXT, textOf, topLevel, validExpr, wrapLabel, type ChartOptions } from './style.ts';

/** One bar of `etpParStructureChart`. */
export interface EtpParStructure {
  readonly structurePorteuse: string;
  readonly etp: number;
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

  const valid = validExpr(['etp']);
  const middle = { scale: 'y', field: 'key', band: 0.5 };
  const xAxis = { tickCount: 6, tickMinStep: 0.5 };
  const spec: Spec = {
    ...topLevel(width, height, titre ? { text: titre } : undefined),
    data: [
      { name: 'source_0', values },
      {
        name: 'data_1',
        source: 'source_0',
        transform: [
          { type: 'stack', groupby: ['key'], field: 'etp', sort: { field: [], order: [] }, as: ['etp_start', 'etp_end'], offset: 'zero' },
          { type: 'filter', expr: valid },
        ],
      },
      { name: 'data_2', source: 'source_0', transform: [{ type: 'filter', expr: valid }] },
    ],
    marks: [
      {
        name: 'layer_0_marks',
        type: 'rect',
        style: ['bar'],
        from: { data: 'data_1' },
        encode: { update: { fill: { value: BLUE }, x: { scale: 'x', field: 'etp_end' }, x2: { scale: 'x', field: 'etp_start' }, yc: middle, height: { value: barSize } } },
      },
      {
        name: 'layer_1_marks',
        type: 'text',
        style: ['text'],
        from: { data: 'data_2' },
        encode: {
          update: {
            align: { value: 'left' },
            baseline: { value: 'middle' },
            dx: { value: 4 },
            fontSize: { value: FONT_SIZE },
            fill: { value: TEXT },
            x: { scale: 'x', field: 'etp' },
            y: middle,
            text: textOf('label'),
          },
        },
      },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [0, maxEtp > 0 ? maxEtp : 1], range: [0, { signal: 'width' }], nice: true, zero: true },
      {
        name: 'y',
        type: 'band',
        domain: { fields: [{ data: 'data_1', field: 'key' }, { data: 'data_2', field: 'key' }] },
        range: [0, { signal: 'height' }],
        paddingInner: 0.1,
        paddingOuter: 0.05,
      },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', grid: true, gridColor: GRID, ...xAxis, gridScale: 'y', domain: false, labels: false, aria: false, maxExtent: 0, minExtent: 0, ticks: false, zindex: 0 },
      { scale: 'x', orient: 'bottom', grid: false, title: 'ETP', format: ',.2~f', ...xAxis, aria: false, labelFlush: true, zindex: 0 },
      {
        scale: 'y',
        orient: 'left',
        grid: false,
        domain: true,
        labelLimit: 0,
        labelLineHeight: FONT_SIZE + 1,
        ticks: false,
        aria: false,
        // Each bar's name, on one or two lines.
        encode: { labels: { update: { text: { signal: `${JSON.stringify(values.map((v) => v.lines))}[datum.value]` } } } },
        zindex: 0,
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
