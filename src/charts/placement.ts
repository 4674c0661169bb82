/**
 * Placing the labels of "ETP en place par mois" in plot coordinates (points from the plot's top
 * left corner, y downwards): boxes of texts, of the step line and its dots, and the place of the
 * objectif's label against its rule.
 */
import { measureText } from '../fonts.ts';
import { FONT_SIZE, wrapLabel } from './style.ts';

/** Where a value label of `etpParMoisChart` goes: above its point, below it, or nowhere. */
export type ValueSide = 'above' | 'below' | 'none';

/** Offsets of a value label from its point: right of it, baseline above or below it. */
export const VALUE_DX = 2;
export const VALUE_DY = { above: -6, below: 14 } as const;

/** Line height of a text on two lines. */
export const LINE_HEIGHT = FONT_SIZE + 2;
/**
 * Room kept between the objectif's label and its rule (a little more when the line's dots sit on
 * the rule), the plot's sides, the line and value labels.
 */
const GAPS = [3, 5] as const;
const INSET = 4;
export const MARGIN = 3;

/** A rectangle in plot coordinates (points from the plot's top left corner, y downwards). */
export interface Box {
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
export function textBox(x: number, baseline: number, width: number, lines = 1): Box {
  return { x1: x, y1: baseline - 0.8 * FONT_SIZE, x2: x + width, y2: baseline + 0.2 * FONT_SIZE + LINE_HEIGHT * (lines - 1) };
}

/**
 * Boxes covering a step line (step-after, 2 pt wide) through `points` and its dots: one per
 * horizontal run, per riser and per dot.
 */
export function lineBoxes(points: readonly { x: number; y: number }[]): Box[] {
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
export interface ObjectifPlace {
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
export function placeObjectif(
  libelle: string,
  ruleY: number,
  plot: { width: number; height: number },
  line: readonly Box[],
  labels: readonly Box[],
): ObjectifPlace | undefined {
  const room = plot.width - 2 * INSET;
  const widthOf = (lines: readonly string[]) => Math.max(...lines.map((l) => measureText(l, FONT_SIZE, 'bold')));
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
  const full = measureText(text, FONT_SIZE, 'bold');
  const words = text.split(/\s+/).filter(Boolean).join(' ');
  for (let max = Math.ceil(full / 2); max <= room; max += 2) {
    const lines = wrapLabel(text, max, 2, true);
    if (lines.join(' ') === words) return lines;
  }
  return wrapLabel(text, room, 2, true);
}
