/**
 * Reach into the module loading of pdfmake 0.3, pdfkit 0.19 and fontkit 2: modules they require
 * when they load but that the PDF writer never runs are loaded when first used instead, through
 * stand-ins put in Node's CommonJS module cache (`require.cache`, public API: an entry there is
 * what `require` returns for that file) before pdfmake is loaded:
 *
 * - `@noble/ciphers/aes` (pdfkit): AES for encrypted PDFs, its tables computed when it loads,
 *   some 7 ms of a cold start, and `@noble/hashes/sha2`, `@noble/hashes/utils` (the keys of an
 *   encrypted PDF); PDF/A forbids encryption (ISO 19005-1 § 6.1.3). Upstream:
 *   foliojs/pdfkit#885 (load encryption code and its dependencies conditionally, open) and
 *   bpampuch/pdfmake#1684 (`require('pdfmake')` slow, traced to pdfkit's encryption);
 * - `brotli/decompress.js` (fontkit): the Brotli decoder and its 120 KB dictionary, for WOFF2
 *   fonts only; the faces are TrueType files. Upstream: no foliojs/fontkit issue found for loading
 *   it lazily; nearest foliojs/pdfkit#810 (slow loading of pdfkit, traced to fontkit);
 * - `pdfmake/js/3rd-party/svg-to-pdfkit.js` and `xmldoc` (with `sax`): SVG drawing and parsing,
 *   for SVG images; the documents give pdfmake PNG and JPEG only (charts are drawn to PNG);
 *   `pdfmake/js/qrEnc.js`: the QR code encoder, for `qr` nodes, which the documents have none
 *   of. Upstream: no bpampuch/pdfmake issue found for loading them lazily.
 *
 * A stand-in loads the real module at its first use (a property read, or a call for a module
 * that is a function), then puts it in the cache in its place: the bytes of every PDF are
 * unchanged, and a document that does use one of them (an SVG image) gets the real module.
 * Nothing is deferred for a module already loaded. Pinned by test/pdf-deferred-loads.test.ts.
 */
import Module, { createRequire } from 'node:module';
import path from 'node:path';

/** How a deferred module is used by the library that requires it. */
interface Deferred {
  /** A module the request resolves from (the requiring library's own resolution). */
  readonly from: string;
  /** The request, as the library writes it. */
  readonly request: string;
  /** `function`: the module's exports are a function (called); `object`: properties are read. */
  readonly kind: 'function' | 'object';
  /**
   * `exports.__esModule` of the real module, answered without loading it (Babel's
   * `_interopRequireDefault` reads it when the requiring module loads).
   */
  readonly esModule: boolean;
}

const require = createRequire(import.meta.url);

/** The deferred modules; `from` resolved from the project (pdfkit and fontkit as pdfmake finds them). */
export function deferredModules(): readonly (Deferred & { readonly file: string })[] {
  const pdfmake = require.resolve('pdfmake');
  const pdfkit = createRequire(pdfmake).resolve('pdfkit');
  const fontkit = createRequire(pdfkit).resolve('fontkit');
  const svgMeasure = createRequire(pdfmake).resolve('./SVGMeasure.js');
  const list: Deferred[] = [
    { from: pdfkit, request: '@noble/ciphers/aes', kind: 'object', esModule: true },
    { from: pdfkit, request: '@noble/hashes/sha2', kind: 'object', esModule: true },
    { from: pdfkit, request: '@noble/hashes/utils', kind: 'object', esModule: true },
    { from: fontkit, request: 'brotli/decompress.js', kind: 'function', esModule: false },
    { from: pdfmake, request: './3rd-party/svg-to-pdfkit.js', kind: 'object', esModule: true },
    { from: svgMeasure, request: 'xmldoc', kind: 'object', esModule: false },
    { from: pdfmake, request: './qrEnc.js', kind: 'object', esModule: true },
  ];
  return list.map((d) => ({ ...d, file: createRequire(d.from).resolve(d.request) }));
}

/** Node's `Module` as far as used here (`_nodeModulePaths` is how Node fills `module.paths`). */
const NodeModule = Module as unknown as {
  new (id: string, parent?: unknown): { filename: string; loaded: boolean; exports: unknown; paths: string[] };
  _nodeModulePaths(dir: string): string[];
};

/** The stand-in of `file`: loads the real module at its first use and caches it in its place. */
function standIn(file: string, kind: Deferred['kind'], esModule: boolean): unknown {
  let real: unknown;
  const load = (): unknown => {
    if (real === undefined) {
      const standInModule = require.cache[file];
      delete require.cache[file];
      try {
        real = require(file);
      } catch (err) {
        if (standInModule) require.cache[file] = standInModule;
        throw err;
      }
    }
    return real;
  };
  if (kind === 'function') {
    return function (this: unknown, ...args: unknown[]): unknown {
      return (load() as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  return new Proxy(
    {},
    {
      get: (_target, key) => (key === '__esModule' ? esModule : Reflect.get(load() as object, key)),
      has: (_target, key) => key in (load() as object),
      ownKeys: () => Reflect.ownKeys(load() as object),
      getOwnPropertyDescriptor: (_target, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load() as object, key);
        return d ? { ...d, configurable: true } : undefined;
      },
    },
  );
}

/** The module objects of the stand-ins, while in the cache (the real module replaces one at its first use). */
const standIns = new WeakSet<object>();

/** Files of `deferredModules` whose real module has not been loaded: their stand-in is still in the cache. */
export function stillDeferred(): string[] {
  return deferredModules()
    .map((d) => d.file)
    .filter((file) => {
      const entry = require.cache[file];
      return entry !== undefined && standIns.has(entry);
    });
}

let installed = false;

/**
 * Puts the stand-ins of `deferredModules` in `require.cache` (once per process; a module already
 * loaded is left as it is). Call before pdfmake (or fontkit) is first required.
 * @throws Error when one of the modules cannot be resolved (a pdfmake, pdfkit or fontkit upgrade
 *   that no longer requires it: the patch must be revised).
 */
export function deferUnusedModules(): void {
  if (installed) return;
  installed = true;
  for (const { file, kind, esModule } of deferredModules()) {
    if (require.cache[file]) continue;
    const module = new NodeModule(file);
    module.filename = file;
    module.paths = NodeModule._nodeModulePaths(path.dirname(file));
    module.exports = standIn(file, kind, esModule);
    module.loaded = true;
    standIns.add(module);
    require.cache[file] = module as unknown as NodeJS.Module;
  }
}

/** pdfmake (its server build, as `import pdfmake from 'pdfmake'` gives it), loaded after `deferUnusedModules`. */
export function loadPdfmake(): typeof import('pdfmake') {
  deferUnusedModules();
  return require('pdfmake') as typeof import('pdfmake');
}
