/**
 * Types of `hyphen` (Liang's hyphenation with the TeX patterns, here French), which ships none:
 * the part the writers use.
 */
declare module 'hyphen/fr/index.js' {
  /** Options of the hyphenation functions. */
  interface HyphenOptions {
    /** Character inserted at each hyphenation point (default U+00AD, the soft hyphen). */
    readonly hyphenChar?: string;
    /** Shortest word hyphenated, in characters (default 5). */
    readonly minWordLength?: number;
    /** Words hyphenated as given, `-` marking the points, e.g. `ALSES` (none) or `co-opé-ra-tion`. */
    readonly exceptions?: readonly string[];
  }
  /** The module (CommonJS): its functions for French. */
  const hyphen: {
    /** `text` with `hyphenChar` at each hyphenation point of its words (HTML tags left as they are). */
    hyphenateSync(text: string, options?: HyphenOptions): string;
  };
  export default hyphen;
}
