/**
 * yargs 18's help layout (cliui, wrap-ansi, string-width 7) makes three `Intl.Segmenter`s when it
 * loads, to count the columns of help text: the first one loads ICU's break-iterator data, some
 * 12-20 ms of every cold command, which then never prints help (`patches/help-cache.ts`).
 * Upstream: sindresorhus/string-width makes its segmenter at load (no issue found for making it
 * lazily); yargs loads cliui eagerly (yargs/yargs#521 asked to load it lazily).
 *
 * While yargs loads, `Intl.Segmenter` is a stand-in whose objects make the real segmenter, with
 * the same arguments, at their first `segment()` (the only method those modules call), so help
 * asked for is laid out exactly as before; `Intl.Segmenter` is put back as soon as yargs is
 * loaded. Pinned by test/cli-help-cache.test.ts.
 */

/** What `new Intl.Segmenter(…)` takes. */
type SegmenterArgs = ConstructorParameters<typeof Intl.Segmenter>;

/**
 * Runs `load` (an `import()` of modules that make segmenters when they load) with
 * `Intl.Segmenter` deferred as described in the file's comment; puts it back before returning.
 */
export async function withDeferredSegmenters<T>(load: () => Promise<T>): Promise<T> {
  const Real = Intl.Segmenter;
  class DeferredSegmenter {
    #args: SegmenterArgs;
    #real: Intl.Segmenter | undefined;
    constructor(...args: SegmenterArgs) {
      this.#args = args;
    }
    #segmenter(): Intl.Segmenter {
      return (this.#real ??= new Real(...this.#args));
    }
    segment(input: string): Intl.Segments {
      return this.#segmenter().segment(input);
    }
    resolvedOptions(): Intl.ResolvedSegmenterOptions {
      return this.#segmenter().resolvedOptions();
    }
  }
  (Intl as { Segmenter: unknown }).Segmenter = DeferredSegmenter;
  try {
    return await load();
  } finally {
    (Intl as { Segmenter: unknown }).Segmenter = Real;
  }
}
