/**
 * Patch of fontkit 2.0.4's `OTProcessor.selectScript` (internal; the GSUB and GPOS processors of
 * a font's layout engine): fontkit calls it at every text it lays out, and when no language is
 * asked — pdfkit never asks one — it rebuilds the processor's table of features from the
 * font's feature list every time (`!language` counts as a change of language), some 25 ms of a
 * cold render of the three annexes. Upstream: the check is `if (!language || language !==
 * this.languageTag)` in fontkit's src/opentype/OTProcessor.js (no fontkit issue found).
 *
 * Patched: a call with the same script, language and direction as the processor's previous
 * call returns the script tag at once. The full method, given the same arguments again, reads
 * the same tables and sets the same script, language, direction and features (an equal table,
 * only a new object), so every laid-out word, hence every PDF byte, is unchanged (golden).
 * Pinned by test/pdf-fonts.test.ts.
 */

/** The arguments of a processor's previous `selectScript` call. */
const LAST = Symbol('alses.selectScript.last');

/** fontkit's OTProcessor (internal), as far as patched. */
interface OtProcessor {
  scriptTag: unknown;
  selectScript(script?: unknown, language?: unknown, direction?: unknown): unknown;
  [LAST]?: readonly [unknown, unknown, unknown];
}

/** A fontkit font, as far as used to reach its layout engine's processors. */
export interface FontWithLayoutEngine {
  readonly _layoutEngine?: { readonly engine?: { readonly GSUBProcessor?: object | null; readonly GPOSProcessor?: object | null } | null };
}

let patched = false;

/** Whether `selectScript` is patched (for tests). */
export const selectScriptPatched = (): boolean => patched;

/**
 * Once per process, on the first font with GSUB or GPOS given: patches `selectScript` of
 * fontkit's OTProcessor (see the file's comment). A font without either leaves it for the next.
 * @throws Error when the processor has no `selectScript` on its parent class (a fontkit upgrade).
 */
export function selectScriptOnce(font: FontWithLayoutEngine): void {
  if (patched) return;
  const engine = font._layoutEngine?.engine;
  const processor = engine?.GSUBProcessor ?? engine?.GPOSProcessor;
  if (!processor) return;
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(processor)) as OtProcessor | null;
  const original = proto?.selectScript;
  if (!proto || typeof original !== 'function') throw new Error('fontkit OTProcessor.selectScript missing (fontkit upgrade?)');
  proto.selectScript = function (this: OtProcessor, script?: unknown, language?: unknown, direction?: unknown) {
    const last = this[LAST];
    if (last !== undefined && last[0] === script && last[1] === language && last[2] === direction) return this.scriptTag;
    const tag = original.call(this, script, language, direction);
    this[LAST] = [script, language, direction];
    return tag;
  };
  patched = true;
}
