/**
 * Templates checked and compiled by the build. Loading Handlebars' compiler, parsing and checking
 * the project's templates (`check.ts`), then compiling them (syntax tree to JavaScript, JavaScript
 * to a function) took some 80 ms of every cold `alses render` and `alses monthly` (issue 11).
 * `npm run build` runs the program once on the project's data and templates
 * (scripts/record-templates.mjs) and keeps, in one CommonJS module,
 * `dist/template-cache/templates.cjs` (which V8's code cache then covers like the program's own
 * files): for every source it compiled, what Handlebars' `precompile` makes of it (`templates`);
 * for every source it checked and found without a problem, the partials it uses (`checks`: all
 * that loading still needs of it). A source found there (by the SHA-256 of its text, the
 * Handlebars version, the helpers and the options) is neither parsed nor compiled again; any
 * other — a template edited or written by the staff — is checked and compiled as before, with
 * Handlebars' compiler loaded then (`compiler.ts`). The same source gives the same function and
 * the same problems either way: test/template-precompiled.test.ts checks the module against the
 * code of this version.
 */
import type { PartialUse } from './check.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Handlebars from 'handlebars/runtime';
import { handlebarsCompiler } from './compiler.ts';

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

/** The key of a source to compile (`compileTemplate`): see `keyOf`. */
export function templateKey(source: string, inputs: CompileInputs): string {
  return keyOf(inputs.noEscape ? 'compile-text' : 'compile', inputs.helpers, source);
}

/** The key of a source to check (`checkSource`, `check.ts`; a call to a helper not in `helpers` is a problem): see `keyOf`. */
export function checkKey(source: string, helpers: readonly string[]): string {
  return keyOf('check', helpers, source);
}

/**
 * SHA-256 (hex) of what the build's work on a source depends on: the work (`kind`), the
 * Handlebars version, the helpers and the source text. The rewriting of `compile.ts` and the
 * checks of `check.ts` are not in it: the build makes the module from the same code.
 */
const keyOf = (kind: 'compile' | 'compile-text' | 'check', helpers: readonly string[], source: string): string =>
  createHash('sha256').update(JSON.stringify([kind, Handlebars.VERSION, [...helpers].sort(), source])).digest('hex');

/** What the module holds. */
interface TemplateCache {
  readonly templates: Readonly<Record<string, TemplateSpecification>>;
  readonly checks: Readonly<Record<string, PartialUse>>;
}

/** The build's module; `null` when there is none (not built) or it does not load. */
let loaded: TemplateCache | null | undefined;

/** The module, loaded once per thread at the first call; never throws. */
function cache(): TemplateCache | null {
  if (loaded === undefined) {
    try {
      const module = createRequire(import.meta.url)(path.join(TEMPLATE_CACHE, MODULE)) as Partial<TemplateCache> | null;
      loaded = typeof module?.templates === 'object' && module.templates !== null && typeof module.checks === 'object' && module.checks !== null ? (module as TemplateCache) : null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** What the build precompiled for `key` (`templateKey`), or undefined: a source the build did not compile, or no build. */
export function precompiledTemplate(key: string): TemplateSpecification | undefined {
  const templates = cache()?.templates;
  return templates !== undefined && Object.hasOwn(templates, key) ? templates[key] : undefined;
}

/**
 * The partials used by a source the build checked and found without a problem (`checkKey`), or
 * undefined: a source the build did not check, or found problems in, or no build.
 */
export function checkedClean(key: string): PartialUse | undefined {
  const checks = cache()?.checks;
  return checks !== undefined && Object.hasOwn(checks, key) ? checks[key] : undefined;
}

/** Since `recordTemplates`: `precompile` of each source compiled (the JavaScript of its specification), and the partials of each source checked clean, by key. */
let recorded: { templates: Map<string, string>; checks: Map<string, PartialUse> } | undefined;

/** Records, if the build asked (`recordTemplates`), what `precompile` makes of a rewritten syntax tree (`program()`, called only then). */
export function recordTemplate(key: string, program: () => hbs.AST.Program, options: CompileOptions): void {
  if (recorded !== undefined && !recorded.templates.has(key)) recorded.templates.set(key, handlebarsCompiler().precompile(program(), options) as unknown as string);
}

/** Whether the build asked to record (`recordTemplates`): sources are then checked even when the module has them. */
export const recordingTemplates = (): boolean => recorded !== undefined;

/** Records, if the build asked (`recordTemplates`), the partials of a source checked without a problem. */
export function recordCheck(key: string, use: PartialUse): void {
  recorded?.checks.set(key, use);
}

/** What `compileTemplate` gives Handlebars' compiler. */
export type CompileOptions = { strict: true; noEscape?: boolean };

/**
 * For the build (scripts/record-templates.mjs): from now on, every source compiled, and every
 * source checked without a problem, is recorded.
 * @returns `write(dir)`: writes `dir/templates.cjs` (by default `TEMPLATE_CACHE`; made if missing,
 *   through a temporary name) holding what was recorded, and stops recording; returns the number
 *   of entries (compiled and checked sources).
 */
export function recordTemplates(): { write(dir?: string): number } {
  const sources = (recorded = { templates: new Map(), checks: new Map() });
  return {
    write(dir = TEMPLATE_CACHE): number {
      mkdirSync(dir, { recursive: true });
      const templates = [...sources.templates.keys()].sort().map((key) => `exports.templates[${JSON.stringify(key)}] = ${sources.templates.get(key)};\n`);
      const checks = [...sources.checks.keys()].sort().map((key) => `exports.checks[${JSON.stringify(key)}] = ${JSON.stringify(sources.checks.get(key))};\n`);
      const head = `// Made by npm run build (scripts/record-templates.mjs): see src/templates/precompiled.ts.\n'use strict';\nexports.templates = {};\nexports.checks = {};\n`;
      const file = path.join(dir, MODULE);
      writeFileSync(`${file}.tmp`, head + templates.join('') + checks.join(''));
      renameSync(`${file}.tmp`, file);
      if (recorded === sources) recorded = undefined;
      return templates.length + checks.length;
    },
  };
}
