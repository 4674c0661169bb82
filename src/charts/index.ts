/**
 * Charts of the monthly report: ETP par structure porteuse (horizontal bars,
 * `etp-par-structure.ts`) and ETP en place par mois (step line with the objectif,
 * `etp-par-mois.ts`). Each returns a `Chart`: SVG for the PDF and HTML, PNG at 2× for the DOCX,
 * and a French text alternative.
 *
 * Written in Vega and rendered headless (see `render.ts`). Sober style
 * (`style.ts`): one dark blue, grey grid, black text, Source Sans 3, no transparency.
 */
export type { Chart } from './render.ts';
export { assertPrintSafeSvg, PNG_SCALE } from './render.ts';
export type { ChartOptions } from './style.ts';
export { etpParStructureChart, type EtpParStructure } from './etp-par-structure.ts';
export { etpParMoisChart, monthAxisLabel, type EtpParMois, type ObjectifLine } from './etp-par-mois.ts';
