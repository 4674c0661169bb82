#!/usr/bin/env node
// Launcher of the `alses` command: runs the bundled JavaScript in dist/app/ (built by `npm ci`
// through the `prepare` script, or by `npm run build`), each module starting from V8's code
// cache made by the build (dist/code-cache/, src/patches/code-cache.ts) when there is one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// `render` and `monthly` stop cleanly on SIGTERM (code 3, message, log line): one that comes while
// the program loads, before they watch for it (`watchStop`, src/output/lock.ts), is kept for them
// rather than killing the process with code 143 (a trial: SIGTERM in the first 0.3 s).
if (process.argv[2] === 'render' || process.argv[2] === 'monthly') {
  const early = (signal) => {
    globalThis.alsesEarlyStop ??= signal;
  };
  globalThis.alsesEarlyStopHandler = early;
  process.on('SIGTERM', early);
}

const require = createRequire(import.meta.url);
const main = new URL('../dist/app/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("alses : le programme n'est pas compilé (dist/ absent) ; lancez « npm run build » dans le dossier du projet.\n");
  process.exit(3);
}
require('../dist/app/code-cache.js').useCodeCache();
await require(fileURLToPath(main)).run();
