#!/usr/bin/env node
// Launcher of the `alses` command: runs the bundled JavaScript in dist/app/ (built by `npm ci`
// through the `prepare` script, or by `npm run build`), each module starting from V8's code
// cache made by the build (dist/code-cache/, src/patches/code-cache.ts) when there is one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const main = new URL('../dist/app/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("alses : le programme n'est pas compilé (dist/ absent) ; lancez « npm run build » dans le dossier du projet.\n");
  process.exit(3);
}
require('../dist/app/code-cache.js').useCodeCache();
await require(fileURLToPath(main)).run();
