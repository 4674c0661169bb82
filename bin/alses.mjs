#!/usr/bin/env node
// Launcher of the `alses` command: runs the bundled JavaScript in dist/app/ (built by `npm ci`
// through the `prepare` script, or by `npm run build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/app/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("alses : le programme n'est pas compilé (dist/ absent) ; lancez « npm run build » dans le dossier du projet.\n");
  process.exit(3);
}
const { run } = await import(main.href);
await run();
