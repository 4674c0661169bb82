/**
 * A layout the PDF writer discards is not drawn (src/writers/pdf/patches/layout-only.ts): pins
 * the wrap of pdfmake's `LayoutBuilder.layoutDocument`, counting the layouts and the drawings
 * pdfmake does. The bytes of every PDF are pinned by test/golden.test.ts.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentNode } from '../src/document/nodes.ts';
import { renderDocuments } from '../src/jobs/render.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

const ROOT = new URL('../', import.meta.url);
const require = createRequire(import.meta.url);
type Proto = Record<string, (...args: unknown[]) => unknown>;
const builder = (require('pdfmake/js/LayoutBuilder.js') as { default: { prototype: Proto } }).default.prototype;
const renderer = (require('pdfmake/js/Renderer.js') as { default: { prototype: Proto } }).default.prototype;

const counts = { layouts: 0, drawings: 0 };
let originals: { layoutDocument: Proto[string]; renderPages: Proto[string] };
let documents: Map<string, DocumentNode>;

beforeAll(async () => {
  const rendered = await renderDocuments({ dataDir: new URL('data', ROOT).pathname, templatesDir: new URL('templates', ROOT).pathname });
  documents = new Map(rendered.documents.map((d) => [d.name, d.document]));
  await renderPdf(documents.get('annexe-liste-juillet-2019')!); // installs the writer's patches
  originals = { layoutDocument: builder.layoutDocument!, renderPages: renderer.renderPages! };
  // Counted outside the writer's own wraps.
  builder.layoutDocument = function (this: unknown, ...args: unknown[]) {
    counts.layouts++;
    return originals.layoutDocument.apply(this, args);
  };
  renderer.renderPages = function (this: unknown, ...args: unknown[]) {
    counts.drawings++;
    return originals.renderPages.apply(this, args);
  };
});
afterAll(() => {
  Object.assign(builder, { layoutDocument: originals.layoutDocument });
  Object.assign(renderer, { renderPages: originals.renderPages });
});

describe('PDF laid out again', () => {
  it('draws only the last layout of a document laid out twice (a table ending badly on its first layout)', async () => {
    counts.layouts = counts.drawings = 0;
    const pdf = await renderPdf(documents.get('note-presentation')!);
    expect(counts.layouts).toBe(2);
    expect(counts.drawings).toBe(1);
    const text = (await pdfText(pdf)).join(' ');
    expect(text).toContain('TOTAL');
    expect(text).toContain('ALSES');
  });

  it('lays out and draws once a document whose first layout is kept', async () => {
    counts.layouts = counts.drawings = 0;
    await renderPdf(documents.get('annexe-liste-juillet-2019')!);
    expect(counts).toEqual({ layouts: 1, drawings: 1 });
  });
});
