/**
 * What both charts share: options, a sober style (one dark blue, grey grid, black text, Source
 * Sans 3, no transparency), checks of their input, and axis labels wrapped to a width.
 */
import type { Config, Spec, Title } from 'vega';
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

/**
 * Vega config shared by both charts: opaque marks, French-ready fonts, sober colours. (The config
 * Vega-Lite 6.4 compiled the charts' former Vega-Lite config to: the charts are now written in
 * Vega directly, drawing the same pictures.)
 */
export function baseConfig(): Config {
  const opaque = { opacity: 1, fillOpacity: 1, strokeOpacity: 1 };
  return {
    aria: false,
    mark: { ...opaque },
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
    style: {
      'guide-label': { font: FONT_FAMILY },
      'guide-title': { font: FONT_FAMILY },
      'group-title': { font: FONT_FAMILY, fontSize: TITLE_SIZE, fontWeight: 'bold', fill: TEXT },
      'group-subtitle': { font: FONT_FAMILY },
      cell: { stroke: null },
      bar: { ...opaque },
      line: { opacity: 1, strokeOpacity: 1 },
      point: { ...opaque },
      rule: { opacity: 1, strokeOpacity: 1 },
      text: { font: FONT_FAMILY, opacity: 1, fillOpacity: 1, fontSize: FONT_SIZE },
    },
  } as Config;
}

/** A chart's title block: its text, and the key of the objectif's rule when it goes under the title. */
export type ChartTitle = Omit<Exclude<Title, string>, 'anchor' | 'offset'>;

/**
 * The top of both charts' Vega specs: `width` × `height` points in all (`autosize: fit`, padding
 * included), white, 6 pt of padding, the title (if any) at the start, 10 pt above the plot.
 */
export function topLevel(width: number, height: number, title: ChartTitle | undefined): Pick<Spec, '$schema' | 'autosize' | 'background' | 'padding' | 'width' | 'height' | 'title' | 'style'> {
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    autosize: { type: 'fit', contains: 'padding' },
    background: 'white',
    padding: 6,
    width,
    height,
    ...(title ? { title: { anchor: 'start', offset: 10, ...title } as Title } : {}),
    style: 'cell',
  };
}

/** Vega filter expression: `fields` of a datum all valid numbers (a date field: a date or a number). */
export function validExpr(fields: readonly string[], date?: string): string {
  const num = (f: string) => `isValid(datum["${f}"]) && isFinite(+datum["${f}"])`;
  return [...(date ? [`(isDate(datum["${date}"]) || (${num(date)}))`] : []), ...fields.map(num)].join(' && ');
}

/** Vega text encoding of a string field (as Vega-Lite writes it). */
export const textOf = (field: string) => ({ signal: `isValid(datum["${field}"]) ? datum["${field}"] : ""+datum["${field}"]` });

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
