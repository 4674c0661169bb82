/**
 * Templates checked and precompiled by the build (src/templates/precompiled.ts, issue 11): the
 * module `npm run build` writes holds, for every source a render and a monthly report compile,
 * exactly what this version of the compiler makes of it, and for every source they check without
 * a problem, the partials it calls; the project's templates then compile nothing at run time,
 * and a template the staff edit is compiled when first used, its problems placed in it. What the documents hold either way is pinned by test/golden.test.ts (the project's
 * templates) and by the template cases of test/hostile-corpus-data.test.ts (edited ones). Needs
 * `npm run build`.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handlebarsCompiler } from '../src/templates/compiler.ts';
import { recordTemplates, TEMPLATE_CACHE } from '../src/templates/precompiled.ts';
import { ROOT, runCli } from './helpers/cli.ts';

/** Handlebars' compiler of a syntax tree to JavaScript (shared by every environment), not in its types. */
const compiler = (handlebarsCompiler() as unknown as { JavaScriptCompiler: { prototype: { compile: (...args: unknown[]) => unknown } } }).JavaScriptCompiler.prototype;

const temporary = () => mkdtemp(path.join(os.tmpdir(), 'alses-precompiled-'));

describe('templates precompiled by the build', () => {
  afterEach(() => vi.restoreAllMocks());

  it("holds what this version compiles every source of a render and a monthly report to, and nothing else", async () => {
    const out = await temporary();
    try {
      const recorder = recordTemplates();
      const render = await runCli(['render', '--format', 'html', '--out', path.join(out, 'render')]);
      expect(render.code, render.stderr).toBe(0);
      const monthly = await runCli(['monthly', '--month', '2019-09', '--out', path.join(out, 'monthly')]);
      expect([0, 6], monthly.stderr).toContain(monthly.code);
      expect(recorder.write(path.join(out, 'cache'))).toBeGreaterThan(10);
      const built = await readFile(path.join(TEMPLATE_CACHE, 'templates.cjs'), 'utf8');
      expect(await readFile(path.join(out, 'cache', 'templates.cjs'), 'utf8')).toBe(built);
      expect(built).toMatch(/^exports\.templates\["[0-9a-f]{64}"\] = \{"compiler":\[8,">= 4\.3\.0"\],"main":function/m);
      // Every template and partial of the project checked without a problem: kept with the partials it calls.
      expect(built).toMatch(/^exports\.checks\["[0-9a-f]{64}"\] = \{"calls":\[\{"name":"tableau-liste","node":\{"loc":\{"start":\{"line":\d+,"column":\d+\}\}\}\}/m);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("compiles none of the project's templates at run time; an edited one when first used, its problems placed in it", async () => {
    const compile = vi.spyOn(compiler, 'compile');
    const out = await temporary();
    try {
      const project = await runCli(['render', '--format', 'html', '--out', path.join(out, 'project')]);
      expect(project.code, project.stderr).toBe(0);
      expect(compile).not.toHaveBeenCalled();

      // The same templates with one body edited: {{collectivite}} prints an object.
      const templates = path.join(out, 'templates');
      await cp(path.join(ROOT, 'templates'), templates, { recursive: true });
      const file = path.join(templates, 'annexe-liste.hbs');
      const source = await readFile(file, 'utf8');
      const body = source.indexOf('\n---\n', 4) + 5;
      await writeFile(file, `${source.slice(0, body)}<p>{{collectivite}}</p>\n${source.slice(body)}`);
      const bodyLine = source.slice(0, body).split('\n').length;
      const edited = await runCli(['render', '--format', 'html', '--templates', templates, '--out', path.join(out, 'edited'), 'annexe-liste-juillet-2019']);
      expect(edited.code).toBe(3);
      expect(compile).toHaveBeenCalled();
      expect(edited.stderr).toContain(`annexe-liste.hbs:${bodyLine}:4`);
      expect(edited.stderr).toMatch(/Expression « \{\{collectivite\}\} » : elle affiche un ensemble de champs/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
