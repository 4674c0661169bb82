/**
 * Draws the two charts of the monthly report from their figures (`MonthlyChartInputs`, computed
 * by `monthlyChartInputs` in rapport-mensuel.ts): the one module of the report that loads the
 * chart library (Vega, resvg), on the main thread or on the chart thread (`chart-thread.ts`).
 */
import { etpParMoisChart, etpParStructureChart, type EtpParMois, type EtpParStructure, type ObjectifLine } from '../charts/index.ts';
import type { ChartSource } from '../document/parse.ts';

/**
 * The figures of the monthly report's charts, plain data (they cross to the chart thread as
 * they are): ETP per structure porteuse at the month's end, ETP in place at the end of each
 * month (`YYYY-MM`) since the first état's month, and the `effectif` objectif still ahead, if any.
 */
export interface MonthlyChartInputs {
  readonly parStructure: readonly EtpParStructure[];
  readonly parMois: readonly EtpParMois[];
  readonly objectif: ObjectifLine | undefined;
}

/**
 * The charts of the monthly report, as the template gets them: `charts` for
 * `<img src="chart:NAME">` (SVG for PDF and HTML, its PNG at 2× for DOCX), `views` for the
 * template's own use (text alternative, size in points).
 */
export interface MonthlyCharts {
  readonly charts: Record<string, ChartSource>;
  readonly views: Record<string, { alt: string; width: number; height: number }>;
}

/**
 * Draws "ETP par structure porteuse" and "ETP en place par mois".
 * @throws AlsesError INVALID_INPUT when a figure cannot be drawn (see `etpParStructureChart`,
 *   `etpParMoisChart`).
 */
export async function drawMonthlyCharts(inputs: MonthlyChartInputs): Promise<MonthlyCharts> {
  const parStructure = await etpParStructureChart(inputs.parStructure);
  const parMois = await etpParMoisChart(inputs.parMois, inputs.objectif);
  return {
    charts: {
      'etp-par-structure': { format: 'svg', data: parStructure.svg, png: parStructure.png },
      'etp-par-mois': { format: 'svg', data: parMois.svg, png: parMois.png },
    },
    views: {
      etpParStructure: { alt: parStructure.alt, width: parStructure.width, height: parStructure.height },
      etpParMois: { alt: parMois.alt, width: parMois.width, height: parMois.height },
    },
  };
}
