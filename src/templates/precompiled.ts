/**
 * Templates compiled by the build. Compiling a Handlebars source (its syntax tree turned into
 * JavaScript, then that JavaScript into a function) took some 40 ms of every cold `alses render`
 * and `alses monthly` for the project's own templates (issue 11). `npm run build` runs the
 * program once on the project's data and templates (scripts/record-templates.mjs) and keeps,
 * for every source it compiled, what Handlebars' `precompile` makes of it, in one CommonJS module:
 * `dist/template-cache/templates.cjs`, which V8's code cache then covers like the program's own
 * files. A source found there (by the SHA-256 of its text, the Handlebars version, the helpers
 * and the options) starts from it; any other source — a template edited or written by the staff —
 * is compiled when first used, as before. The same source gives the same function either way:
 * `precompile` and `compile` are Handlebars' two outputs of one compiler, and
 * test/template-precompiled.test.ts checks each entry against the compiler of this version.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Handlebars from 'handlebars';

/** What `compileTemplate` compiles with besides the source: escaping and the helpers known. */
export interface CompileInputs {
  /** Whether HTML escaping is off (front-matter fields are text, escaped by each writer). */
  readonly noEscape: boolean;
  /** Names of the helpers registered in the environment (they decide how `{{nom}}` compiles). */
  readonly helpers: readonly string[];
}

/** Folder of the module the build writes: `dist/template-cache/` (two folders up from src/templates and dist/app alike). */
export const TEMPLATE_CACHE = path.join(import.meta.dirname, '../../dist/template-cache');

/** The module's file in `TEMPLATE_CACHE`. */
const MODULE = 'templates.cjs';

/**
 * The key of a source: SHA-256 (hex) of the Handlebars version, the inputs and the source text.
 * The rewriting of `compile.ts` is not in it: the build makes the module from the same code.
 */
export function templateKey(source: string, inputs: CompileInputs): string {
  const helpers = [...inputs.helpers].sort();
  return createHash('sha256').update(JSON.stringify([Handlebars.VERSION, inputs.noEscape, helpers, source])).digest('hex');
}

/** The build's precompiled templates by key; `null` when there is no module (not built) or it does not load. */
let loaded: Readonly<Record<string, TemplateSpecification>> | null | undefined;

/**
 * What the build precompiled for `key` (`templateKey`), or undefined: a source the build did not
 * see, or no build. Loads the module once per thread, at the first call; never throws.
 */
export function precompiledTemplate(key: string): TemplateSpecification | undefined {
  if (loaded === undefined) {
    try {
      const specs = createRequire(import.meta.url)(path.join(TEMPLATE_CACHE, MODULE)) as unknown;
      loaded = typeof specs === 'object' && specs !== null ? (specs as Record<string, TemplateSpecification>) : null;
    } catch {
      loaded = null;
    }
  }
  return loaded !== null && Object.hasOwn(loaded, key) ? loaded[key] : undefined;
}

/** `Handlebars.precompile` of each source compiled since `recordTemplates`, by key (the JavaScript of its specification). */
let recorded: Map<string, string> | undefined;

/** Records, if the build asked (`recordTemplates`), what `precompile` makes of a rewritten syntax tree (`program()`, called only then). */
export function recordTemplate(key: string, program: () => hbs.AST.Program, options: CompileOptions): void {
  if (recorded !== undefined && !recorded.has(key)) recorded.set(key, Handlebars.precompile(program(), options) as string);
}

/** What `compileTemplate` gives Handlebars' compiler. */
export type CompileOptions = { strict: true; noEscape?: boolean };

/**
 * For the build (scripts/record-templates.mjs): from now on, every source compiled is recorded.
 * @returns `write(dir)`: writes `dir/templates.cjs` (by default `TEMPLATE_CACHE`; made if missing,
 *   through a temporary name) holding what was recorded, and stops recording; returns the number
 *   of sources.
 */
export function recordTemplates(): { write(dir?: string): number } {
  recorded = new Map();
  const sources = recorded;
  return {
    write(dir = TEMPLATE_CACHE): number {
      mkdirSync(dir, { recursive: true });
      const keys = [...sources.keys()].sort();
      const body = keys.map((key) => `exports[${JSON.stringify(key)}] = ${sources.get(key)};\n`).join('');
      const file = path.join(dir, MODULE);
      writeFileSync(`${file}.tmp`, `// Made by npm run build (scripts/record-templates.mjs): see src/templates/precompiled.ts.\n'use strict';\n${body}`);
      renameSync(`${file}.tmp`, file);
      if (recorded === sources) recorded = undefined;
      return keys.length;
    },
  };
}
