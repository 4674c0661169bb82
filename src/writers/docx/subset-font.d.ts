/**
 * Types of `subset-font` (HarfBuzz's hb-subset compiled to WebAssembly), which ships none: the
 * part the DOCX writer uses.
 */
declare module 'subset-font' {
  /** Options of a subset; only those used here. */
  interface SubsetOptions {
    /** Format of the result: `truetype` keeps a TTF a TTF. */
    readonly targetFormat?: 'truetype' | 'woff' | 'woff2' | 'sfnt';
    /** OpenType features to keep (four-letter tags); all of them when not given. */
    readonly keepFeatures?: readonly string[];
    /** Tables to leave out (four-letter tags), besides those HarfBuzz leaves out by default. */
    readonly dropTables?: readonly string[];
    /** Drop the hinting instructions (smaller, rendered unhinted). */
    readonly noHinting?: boolean;
  }
  /**
   * A font keeping the glyphs of the characters of `text` (and those OpenType layout reaches
   * from them), with its `cmap`, `name`, `OS/2` and layout tables subset to match.
   */
  export default function subsetFont(font: Uint8Array, text: string, options?: SubsetOptions): Promise<Buffer>;
}
