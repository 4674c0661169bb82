/**
 * Dependencies that pdfkit and fontkit require as they load, for features the product never
 * uses, loaded on first use instead: pdfkit's encryption (`@noble/ciphers/aes`,
 * `@noble/hashes/sha2`, `@noble/hashes/utils`: password-protected PDFs, never made here) and
 * fontkit's WOFF2 decoder (`brotli/decompress.js`, whose dictionary is decoded as it loads: the
 * product's fonts are TrueType files). Together some 20–40 ms of a cold `alses monthly`
 * (issue 11), for nothing.
 *
 * A reach into Node's module loader (`Module._load`, as src/patches/code-cache.ts reaches into
 * `_compile`): a `require` of one of these names from a file of that package returns a stand-in
 * that loads the real module the first time it is used (a property read, a call); the real module
 * is then the one Node loads, cached as usual. A package that uses the feature after all works
 * the same, a little later. Upstream: foliojs/pdfkit#885 (load encryption code and its
 * dependencies conditionally, open), foliojs/pdfkit#810 (slow loading times); no fontkit issue
 * found for brotli. Pinned by test/deferred-requires.test.ts and test/cli-start.test.ts.
 */
import Module from 'node:module';
import path from 'node:path';

/** For each package, the modules it requires as it loads that are left until first use. */
export const DEFERRED_REQUIRES: Readonly<Record<string, readonly string[]>> = {
  pdfkit: ['@noble/ciphers/aes', '@noble/hashes/sha2', '@noble/hashes/utils'],
  fontkit: ['brotli/decompress.js'],
};

/** `Module._load` (internal, not in @types/node). */
type Load = (request: string, parent: { filename?: string | null } | null | undefined, ...rest: unknown[]) => unknown;
const loader = Module as unknown as { _load: Load };

/** The package a file belongs to: `pdfkit` for `…/node_modules/pdfkit/js/pdfkit.js`. */
function packageOf(filename: string | null | undefined): string | undefined {
  if (!filename) return undefined;
  const parts = filename.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const name = parts[at + 1];
  return name?.startsWith('@') ? `${name}/${parts[at + 2]}` : name;
}

/**
 * A stand-in for a module: loads it (`load`) on first use, then acts as it: properties read,
 * tested or listed, and calls (for a module that is a function, as `brotli/decompress.js`).
 */
function deferred(load: () => unknown): unknown {
  let real: object | undefined;
  const target = (): object => (real ??= load() as object);
  return new Proxy(function deferredModule() {}, {
    get: (_, key) => Reflect.get(target(), key),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      // A proxy may not report a property its own target lacks as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    apply: (_, self, args: unknown[]) => Reflect.apply(target() as (...a: unknown[]) => unknown, self, args),
  });
}

let installed = false;

/**
 * Once per process: makes the `require`s of `DEFERRED_REQUIRES` made from then on return
 * stand-ins that load the module on first use. Call it before pdfkit or fontkit load (the PDF
 * writer and the font metrics do); modules already loaded are left as they are.
 */
export function deferUnusedRequires(): void {
  if (installed) return;
  installed = true;
  const load = loader._load;
  loader._load = function (this: unknown, request, parent, ...rest) {
    const from = packageOf(parent?.filename);
    if (from !== undefined && DEFERRED_REQUIRES[from]?.includes(request)) return deferred(() => load.call(this, request, parent, ...rest));
    return load.call(this, request, parent, ...rest);
  };
}
