/**
 * Templates parsed and compiled once per process (src/templates/environment.ts, `compiledSource`):
 * loading parses each file once (the checks' syntax tree is what partials and bodies compile
 * from), and a template rendered again reuses what it compiled; the project's own templates,
 * checked and compiled by the build (src/templates/precompiled.ts), are not parsed at all. What
 * the documents hold is pinned by test/golden.test.ts.
 */
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadInputs, renderLoaded } from '../src/jobs/inputs.ts';
import { handlebarsCompiler } from '../src/templates/compiler.ts';

describe('templates compiled once per process', () => {
  afterEach(() => vi.restoreAllMocks());

  it("parses none of the project's templates (the build checked and compiled them)", async () => {
    const parse = vi.spyOn(handlebarsCompiler(), 'parse');
    const inputs = await loadInputs('data', 'templates');
    expect(inputs.templates.diagnostics).toEqual([]);
    const { documents } = renderLoaded(inputs);
    expect(documents.length).toBeGreaterThanOrEqual(3);
    expect(parse).not.toHaveBeenCalled();
  });

  it('parses each edited template and partial once, and renders the catalogue again without parsing', async () => {
    // The project's templates, each with a comment added: sources the build never saw.
    const templatesDir = await mkdtemp(path.join(os.tmpdir(), 'alses-compile-once-'));
    try {
      await cp('templates', templatesDir, { recursive: true });
      for (const dir of [templatesDir, path.join(templatesDir, 'partials')])
        for (const f of (await readdir(dir)).filter((n) => n.endsWith('.hbs'))) await appendFile(path.join(dir, f), '{{!-- copie --}}\n');
      const parse = vi.spyOn(handlebarsCompiler(), 'parse');
      const inputs = await loadInputs('data', templatesDir);
      const { templates } = inputs;
      expect(templates.diagnostics).toEqual([]);
      const files = templates.templates.length + templates.partials.length;
      expect(templates.templates.map((t) => t.name)).toContain('annexe-liste');
      // Loading: one parse per file (checks), none again to compile the partials.
      expect(parse).toHaveBeenCalledTimes(files);

      parse.mockClear();
      const first = renderLoaded(inputs);
      expect(first.documents.length).toBeGreaterThanOrEqual(3);
      const sources = parse.mock.calls.map(([source]) => source);
      // The bodies compile from the syntax trees of the checks; only front-matter fields are parsed.
      for (const t of templates.templates) expect(sources).not.toContain(t.body);
      for (const source of Object.values(templates.partialSources)) expect(sources).not.toContain(source);

      parse.mockClear();
      const again = renderLoaded(inputs);
      expect(parse).not.toHaveBeenCalled();
      expect(again.documents.map((d) => JSON.stringify(d.document))).toEqual(first.documents.map((d) => JSON.stringify(d.document)));
    } finally {
      await rm(templatesDir, { recursive: true, force: true });
    }
  });
});
