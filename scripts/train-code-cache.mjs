/**
 * Run by `npm run build` (scripts/build.mjs), in its own process: makes dist/code-cache/, V8's
 * compiled code of the CommonJS modules a cold command loads (src/patches/code-cache.ts), by
 * running the built program once in this process on the project's own data: `render` of every
 * document in every format, then `monthly` for September 2019, each into a temporary folder
 * removed at the end. Reads data/ and templates/; writes only the temporary folder and
 * dist/code-cache/. Exits 1 with the error if the program fails.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { runBuiltProgramOnce } from './run-built-program.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { recordCodeCache } = createRequire(import.meta.url)(path.join(root, 'dist/app/code-cache.js'));
const recorder = recordCodeCache();
await runBuiltProgramOnce(root, 'code-cache', undefined);
recorder.write();
