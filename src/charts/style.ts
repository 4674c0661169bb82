/**
 * What both charts share: options, a sober style (one dark blue, grey grid, black text, Source
 * Sans 3, no transparency), checks of their input, and axis labels wrapped to a width.
 */
import type { TopLevelSpec } from 'vega-lite';
import { diagnosticError } from '../errors.ts';
import { FONT_FAMILY, measureText } from '../fonts.ts';

/** Options common to both charts. */
export interface ChartOptions {
  /** Whole chart width in points (default 480). */
  readonly width?: number;
  /** Whole chart height in points (default: from the number of bars, or 260). */
  readonly height?: number;
  /** Title drawn at the top of the chart; `null` for none (default: the chart's name). */
  readonly titre?: string | null;
}

/** Bars, line and dots. */
export const BLUE = '#1f4e79';
/** Titles, labels and values. */
export const TEXT = '#1a1a1a';
const AXIS = '#595959';
/** Grid lines. */
export const GRID = '#d9d9d9';
/** The objectif's rule and label. */
export const TARGET = '#595959';
/** Size of labels and values, in points. */
export const FONT_SIZE = 11;
const TITLE_SIZE = 13;
/** Whole chart width when not given, in points. */
export const DEFAULT_WIDTH = 480;

/** Vega-Lite config shared by both charts: opaque marks, French-ready fonts, sober colours. */
export function baseConfig(): NonNullable<TopLevelSpec['config']> {
  return {
    font: FONT_FAMILY,
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
      labelFont: FONT_FAMILY,
      titleFont: FONT_FAMILY,
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

/**
 * @throws AlsesError INVALID_INPUT with `message`, as a `chart/value` diagnostic (a chart's
 *   figures are computed, not read: there is no file to point at).
 */
export function invalid(message: string): never {
  throw diagnosticError('INVALID_INPUT', { severity: 'error', ruleId: 'chart/value', message });
}

/** @throws AlsesError INVALID_INPUT unless `etp` is a finite number ≥ 0. */
export function checkEtp(etp: number, where: string): void {
  if (typeof etp !== 'number' || !Number.isFinite(etp) || etp < 0) {
    invalid(`ETP « ${String(etp)} » invalide pour ${where} (attendu : nombre positif ou nul)`);
  }
}

/** @throws AlsesError INVALID_INPUT unless width and height, when given, are whole numbers of 120 to 2000 points. */
export function checkSize(options: ChartOptions): void {
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
export function wrapLabel(label: string, maxWidth: number, maxLines = 2, bold = false): string[] {
  const fits = (t: string) => measureText(t, FONT_SIZE, bold ? 'bold' : 'normal') <= maxWidth;
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
