/**
 * Horizontal bar chart "ETP par structure porteuse".
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatEtp } from '../format.ts';
import { renderChart, type Chart } from './render.ts';
import { baseConfig, BLUE, checkEtp, checkSize, DEFAULT_WIDTH, FONT_SIZE, GRID, invalid, TEXT, wrapLabel, type ChartOptions } from './style.ts';

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
