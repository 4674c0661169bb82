/**
 * unicode-trie (the Unicode tables of fontkit, unicode-properties and linebreak, as pdfkit and
 * the PDF writer load them) inflates its tables with tiny-inflate, a DEFLATE decoder in
 * JavaScript meant for browsers, twice per table, as each table loads: some 150 kB decoded cold,
 * 20–30 ms of a cold `alses monthly` (issue 11). Node decodes DEFLATE natively (zlib); a stream
 * decodes to the same bytes whichever decoder reads it, so the tables are the same.
 *
 * A reach into Node's module loader (`Module._load`, as code-cache.ts reaches into `_compile`): a `require` of
 * `tiny-inflate` from unicode-trie gets `inflateRaw` below, with tiny-inflate's contract
 * (`inflate(source, dest)` fills the `Uint8Array` `dest` and returns it, or its filled start).
 * Other users of tiny-inflate keep it. Upstream: no foliojs/unicode-trie issue found (tiny-inflate
 * is there for browsers). Pinned by test/native-inflate.test.ts and the golden hashes.
 */
import Module from 'node:module';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** `Module._load` (internal, not in @types/node). */
type Load = (request: string, parent: { filename?: string | null } | null | undefined, ...rest: unknown[]) => unknown;
const loader = Module as unknown as { _load: Load };

/**
 * tiny-inflate's function, on zlib: decodes the raw DEFLATE stream `source` into `dest`.
 * @returns `dest`, or a copy of its start when the stream decodes to fewer bytes (as tiny-inflate).
 * @throws Error (zlib's) when `source` is not a DEFLATE stream.
 */
export function inflateRaw(source: Uint8Array, dest: Uint8Array): Uint8Array {
  const out = inflateRawSync(source);
  dest.set(out.length > dest.length ? out.subarray(0, dest.length) : out);
  return out.length < dest.length ? dest.slice(0, out.length) : dest;
}

/** Whether `filename` is a file of the unicode-trie package. */
const inUnicodeTrie = (filename: string | null | undefined): boolean => filename?.split(path.sep).includes('unicode-trie') === true;

let installed = false;

/**
 * Once per process: unicode-trie loaded from then on inflates its tables with zlib (see the file's
 * comment). Call it before fontkit or linebreak load (the font metrics and the PDF writer do).
 */
export function inflateNatively(): void {
  if (installed) return;
  installed = true;
  const load = loader._load;
  loader._load = function (this: unknown, request, parent, ...rest) {
    if (request === 'tiny-inflate' && inUnicodeTrie(parent?.filename)) return inflateRaw;
    return load.call(this, request, parent, ...rest);
  };
}
