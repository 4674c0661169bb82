/**
 * Patch of pdfmake's `SVGMeasure` (internal, `pdfmake/js/SVGMeasure.js`): an SVG image is parsed
 * once to be measured, not twice. pdfmake 0.3 measures an `svg` node in two calls, each parsing
 * the markup with xmldoc: `measureSVG` (to read its width, height and viewBox), then
 * `writeDimensions` (to set the size it is drawn at and print the markup back for svg-to-pdfkit).
 * The second parse gives the very tree the first one did (`measureSVG` reads it, never changes
 * it), and xmldoc's parser, cold, took 20 ms or so of a monthly report's two charts (issue 11).
 * Upstream: bpampuch/pdfmake#2023 made `SVGMeasure` parse with xmldoc and suggested one tree for
 * measuring and drawing; no issue found about the second parse.
 *
 * How: `measureSVG` keeps the tree xmldoc made for it (by lending pdfmake's `xmldoc` module a
 * constructor that records it, for the call), and the `writeDimensions` that follows for the same
 * markup gets that tree instead of a new parse (the module is lent a constructor returning it).
 * Everything else, sizes, errors and the markup printed, is pdfmake's own code, so the PDF's bytes
 * are unchanged. Pinned by test/pdf-svg.test.ts and the golden hashes.
 */
import { createRequire } from 'node:module';

/** A parsed XML document of xmldoc (opaque here). */
type XmlDocument = object;

/** The `xmldoc` module as pdfmake's `SVGMeasure` reads it (at each parse: `_xmldoc.XmlDocument`). */
interface XmldocModule {
  XmlDocument: new (xml: string) => XmlDocument;
}

/** pdfmake's `SVGMeasure` (internal), as far as patched. */
interface SvgMeasure {
  measureSVG(svg: unknown): unknown;
  writeDimensions(svg: unknown, dimensions: unknown): unknown;
}

const require = createRequire(import.meta.url);

/** The markup last measured and its tree, until the `writeDimensions` that follows. */
let measured: { svg: string; doc: XmlDocument } | undefined;

let installed = false;

/**
 * Once per process: makes pdfmake parse each SVG image once (see the file's comment).
 * @throws Error when pdfmake's `SVGMeasure` or its use of xmldoc is no longer as patched (an upgrade).
 */
export function parseSvgOnce(): void {
  if (installed) return;
  const svgMeasure = require.resolve('pdfmake/js/SVGMeasure.js');
  const proto = (require(svgMeasure) as { default?: { prototype: SvgMeasure } }).default?.prototype;
  if (typeof proto?.measureSVG !== 'function' || typeof proto.writeDimensions !== 'function') {
    throw new Error('pdfmake SVGMeasure.measureSVG/writeDimensions missing (pdfmake upgrade?)');
  }
  const requireFromMeasure = createRequire(svgMeasure);
  let xmldocModule: XmldocModule | undefined;
  /**
   * xmldoc as `SVGMeasure` reads it, loaded at the first SVG: deferred-loads.ts may have put a
   * stand-in for it in the cache, which a property read replaces by the real module; the lent
   * parser is set on the real one, which the stand-in `SVGMeasure` holds reads through.
   * @throws Error when xmldoc has no `XmlDocument` (an upgrade).
   */
  const xmldoc = (): XmldocModule => {
    if (xmldocModule === undefined) {
      void (requireFromMeasure('xmldoc') as XmldocModule).XmlDocument;
      const real = requireFromMeasure('xmldoc') as XmldocModule;
      if (typeof real.XmlDocument !== 'function') throw new Error('xmldoc.XmlDocument missing (xmldoc upgrade?)');
      xmldocModule = real;
    }
    return xmldocModule;
  };
  const { measureSVG, writeDimensions } = proto;
  /** Runs `fn` with `xmldoc.XmlDocument` replaced by `lent`, then put back. */
  const lending = <T>(lent: XmldocModule['XmlDocument'], fn: () => T): T => {
    const module = xmldoc();
    const own = module.XmlDocument;
    module.XmlDocument = lent;
    try {
      return fn();
    } finally {
      module.XmlDocument = own;
    }
  };

  proto.measureSVG = function (this: SvgMeasure, svg: unknown) {
    measured = undefined;
    if (typeof svg !== 'string') return measureSVG.call(this, svg);
    const Own = xmldoc().XmlDocument;
    let doc: XmlDocument | undefined;
    const dimensions = lending(
      function (xml: string) {
        return (doc = new Own(xml));
      } as unknown as XmldocModule['XmlDocument'],
      () => measureSVG.call(this, svg),
    );
    if (doc !== undefined) measured = { svg, doc };
    return dimensions;
  };

  proto.writeDimensions = function (this: SvgMeasure, svg: unknown, dimensions: unknown) {
    const doc = typeof svg === 'string' && measured?.svg === svg ? measured.doc : undefined;
    measured = undefined;
    if (doc === undefined) return writeDimensions.call(this, svg, dimensions);
    return lending(
      function () {
        return doc;
      } as unknown as XmldocModule['XmlDocument'],
      () => writeDimensions.call(this, svg, dimensions),
    );
  };
  installed = true;
}
