/**
 * Templates parsed and compiled once per process (src/templates/environment.ts, `compiledSource`):
 * loading parses each file once (the checks' syntax tree is what partials and bodies compile
 * from), and a template rendered again reuses what it compiled. What the documents hold is pinned
 * by test/golden.test.ts.
 */
import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadInputs, renderLoaded } from '../src/jobs/inputs.ts';

describe('templates compiled once per process', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses each template and partial once, and renders the catalogue again without parsing', async () => {
    const parse = vi.spyOn(Handlebars, 'parse');
    const inputs = await loadInputs('data', 'templates');
    const { templates } = inputs;
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
  });
});
