/**
 * The DOCX package: its files as `docx` compiles them (src/writers/docx/patches/compiler.ts, a
 * reach into `docx`'s private `Packer.compiler`), zipped once. The bytes of every DOCX are pinned
 * by test/golden.test.ts.
 */
import { Packer } from 'docx';
import { describe, expect, it } from 'vitest';
import { document, heading, paragraph, row, table, column } from '../src/document/builders.ts';
import { fontBytes } from '../src/fonts.ts';
import { toDocx } from '../src/writers/docx/index.ts';
import { compileParts } from '../src/writers/docx/patches/compiler.ts';
import { readZip } from '../src/writers/zip.ts';

const doc = document({ title: 'Essai', date: '2019-07-01' }, [
  heading(1, 'Essai'),
  paragraph(['Texte du collège.']),
  table({ columns: [column(70), column(30, 'right')], header: [row('Collège', 'ETP')], body: [row('Jean Macé', '0,5')], footer: [] }),
]);

describe('DOCX package', () => {
  it('compiles the same files Packer zips (docx internals reached by compileParts)', async () => {
    const { document: built } = toDocx(doc, fontBytes());
    const parts = compileParts(built);
    const zipped = readZip(await Packer.toBuffer(built));
    expect([...parts.keys()]).toEqual(zipped.map((e) => e.path));
    for (const { path, data } of zipped) {
      if (path === 'docProps/core.xml') continue; // stamped with the clock by each call
      expect(Buffer.from(parts.get(path) ?? []).equals(Buffer.from(data)), path).toBe(true);
    }
  });
});
