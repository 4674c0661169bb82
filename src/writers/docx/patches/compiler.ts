/**
 * Reach into `docx` 9.15 (internal `Packer.compiler`, private static): the files of a package
 * before they are zipped. `Packer.toBuffer` zips them at once, and a reproducible package must
 * rewrite some of them (dates, font keys, table captions, font subsets), which meant unzipping and
 * zipping again: every part DEFLATE-compressed twice (upstream: no dolanmiu/docx issue found for
 * packing without zipping; `Compiler.compile` returns exactly that map). Pinned by
 * test/docx-package.test.ts ("compiles the same files Packer zips").
 */
import { Packer, type Document } from 'docx';

/** docx's `Compiler` (internal): path → content (XML text or bytes), in the order Packer zips them. */
interface DocxCompiler {
  compile(file: Document): Map<string, string | Uint8Array>;
}

/**
 * The files of the package of `document` (path → XML text, or bytes for fonts and images, in
 * `docx`'s order), as `Packer` would zip them (the text as UTF-8).
 * @throws Error when `docx` no longer has the compiler reached here (a `docx` upgrade).
 */
export function compileParts(document: Document): Map<string, string | Uint8Array> {
  const compiler = (Packer as unknown as { compiler?: DocxCompiler }).compiler;
  if (!compiler || typeof compiler.compile !== 'function') throw new Error('docx: Packer.compiler.compile missing (docx upgrade?)');
  const parts = new Map<string, string | Uint8Array>();
  for (const [path, data] of compiler.compile(document)) parts.set(path, typeof data === 'string' ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return parts;
}
