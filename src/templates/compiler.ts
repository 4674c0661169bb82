/**
 * Handlebars' compiler — its parser and its code generator — loaded at its first use. Templates
 * run on Handlebars' runtime (`handlebars/runtime`, bundled); the compiler is needed only for a
 * source the build did not compile and check (`precompiled.ts`): a template edited or written by
 * the staff. Loading it (its parse tables among it) took some 20 ms of every cold command that
 * renders (issue 11).
 */
import type HandlebarsCompiler from 'handlebars';
import { createRequire } from 'node:module';

let compiler: typeof HandlebarsCompiler | undefined;

/** The full Handlebars (`handlebars`: parse, precompile…), loaded once per thread. */
export const handlebarsCompiler = (): typeof HandlebarsCompiler => (compiler ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsCompiler);
