/**
 * Types of `linebreak` (Unicode line breaking, UAX #14), which ships none: the part the PDF
 * writer uses.
 */
declare module 'linebreak' {
  /** A break opportunity: `position` is the index (UTF-16) where the next line may start. */
  interface Break {
    readonly position: number;
    readonly required: boolean;
  }
  /** Walks the break opportunities of a text, in order. */
  export default class LineBreaker {
    constructor(text: string);
    /** The next break opportunity, or `null` after the last one. */
    nextBreak(): Break | null;
  }
}
