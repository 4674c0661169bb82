/**
 * Run by `npm run build` (scripts/build.mjs), in its own process, before the code cache is made:
 * makes dist/template-cache/templates.cjs, Handlebars' precompiled form of every template source
 * a render and a monthly report compile, and what they check without a problem
 * (src/templates/precompiled.ts), by running the built program once in this process on the
 * project's own data and templates (scripts/run-built-program.mjs): `render` of every document
 * in HTML (the templates are the same for every format), then `monthly` for September 2019.
 * Writes only a temporary folder and dist/template-cache/. Exits 1 with the error if the
 * program fails.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { runBuiltProgramOnce } from './run-built-program.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { recordTemplates } = createRequire(import.meta.url)(path.join(root, 'dist/app/template-cache.js'));
const recorder = recordTemplates();
await runBuiltProgramOnce(root, 'template-cache', 'html');
recorder.write();
