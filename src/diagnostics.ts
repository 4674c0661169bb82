import path from 'node:path';
import type { RuleId } from './rules.ts';

/**
 * One diagnostic type for every problem the product reports (data, templates, rendering),
 * modelled on unified's VFileMessage. Messages are in French; `ruleId` is a stable English id.
 */

/** Severity of a diagnostic: an error blocks output, a warning does not. */
export const SEVERITIES = ['error', 'warning'] as const;
/** Severity of a diagnostic. */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where a problem is: a file (path relative to the working folder when possible), 1-based line
 * and column; for workbooks, `sheet` and `cell` (e.g. "Feuil1", "C14").
 */
export interface Place {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly sheet?: string;
  readonly cell?: string;
}

/** A problem found in the input, with its place, the value and what was expected. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable id of the rule, e.g. `etp/range` (documented in `RULES`, `src/rules.ts`). */
  readonly ruleId: RuleId;
  /** French message quoting the value and the expectation. */
  readonly message: string;
  readonly place?: Place;
  /** Field concerned, e.g. `etp` (column name or YAML path). */
  readonly field?: string;
  /** The offending value as read, e.g. `1,5` (also quoted in `message`). */
  readonly actual?: string;
  /** What was expected, e.g. `nombre décimal strictement positif et au plus 1, ex. 0,5` (the message's "attendu"). */
  readonly expected?: string;
}

/**
 * A path as shown to users: relative to the working folder (`data/etats/2019-07-15.csv`), or
 * absolute when it lies outside it (rather than `../../…`).
 */
export function displayPath(p: string): string {
  const relative = path.relative(process.cwd(), path.resolve(p));
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return path.resolve(p);
  return relative || '.';
}

/** 1-based line and column in a text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Maps character offsets of `text` to 1-based lines and columns ("\n", "\r\n" and "\r" each
 * end a line; the column counts UTF-16 code units, as editors and csv-parse do). Build it once
 * per text when locating many offsets (a binary search each).
 */
export function lineLocator(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

/** Line and column of the character at `offset` in `text` (see `lineLocator`). */
export const positionAt = (text: string, offset: number): Position => lineLocator(text)(offset);

/** Formats a place as `file:line:column` (or `file!sheet!cell`). */
export function formatPlace(place: Place | undefined): string {
  if (!place) return '';
  if (place.sheet) return `${place.file} ${place.sheet}!${place.cell ?? ''}`;
  let s = place.file;
  if (place.line !== undefined) s += `:${place.line}`;
  if (place.line !== undefined && place.column !== undefined) s += `:${place.column}`;
  return s;
}

const SEVERITY_FR: Record<Severity, string> = { error: 'erreur', warning: 'avertissement' };

/**
 * One line per diagnostic, as the CLI prints it:
 * `data/etats/2019-07-15.csv:14:4  erreur  ETP "0.5x" n'est pas un nombre (attendu : …)  etp/number`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const place = formatPlace(d.place);
  return `${place ? place + '  ' : ''}${SEVERITY_FR[d.severity]}  ${d.message}  ${d.ruleId}`;
}

/** Orders diagnostics by file, line, column, for stable reports. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => {
    const fa = a.place?.file ?? '';
    const fb = b.place?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.place?.line ?? 0;
    const lb = b.place?.line ?? 0;
    if (la !== lb) return la - lb;
    return (a.place?.column ?? 0) - (b.place?.column ?? 0);
  });
}

/** `true` if any diagnostic is an error. */
export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');
