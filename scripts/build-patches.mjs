/**
 * The bundler's reaches into libraries' files (scripts/build.mjs), each naming why and the
 * upstream issue, each pinned by a test.
 */
import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * vega-canvas's Node build tries `await import('canvas')` (node-canvas, not installed: the charts
 * are drawn by resvg) at the top of the module; its browser build is the same without that try.
 * Taken instead so that the bundle has no top-level await (a CommonJS file cannot), and so that
 * a `canvas` package installed on the machine could not change how Vega measures the charts'
 * text. Pinned by the charts' golden bytes (test/charts.test.ts).
 */
export const VEGA_WITHOUT_NODE_CANVAS = {
  name: 'vega-canvas-browser-build',
  setup(build) {
    const nodeBuild = createRequire(path.join(root, 'node_modules/vega/package.json')).resolve('vega-canvas');
    build.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: path.join(path.dirname(nodeBuild), 'vega-canvas.browser.js') }));
  },
};

/** Where the bundle finds yargs's translations (fr.json for the help's « [booléen] »…): dist/yargs-locales. */
export const YARGS_LOCALES = 'yargs-locales';

/**
 * yargs (ESM) finds its translations beside its own file, `import.meta.url` + `../../../locales`
 * (yargs/yargs#1929, evanw/esbuild#1492: bundling moves the file), and the program's
 * package.json above the `node_modules` folder it is in. Bundled, it looks in dist/yargs-locales
 * instead, where `copyYargsLocales` puts them, and in the project's folder. Throws at build time
 * if yargs's file no longer has those lines. Pinned by test/cli-start.test.ts (the help in French).
 */
export const YARGS_LOCALES_IN_DIST = {
  name: 'yargs-locales-in-dist',
  setup(build) {
    build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      // `__dirname` is the bundle's file, dist/app/<chunk>.js: two folders up is dist/, three the project.
      for (const [line, bundled] of [
        ["resolve(__dirname, '../../../locales')", `resolve(__dirname, '../../${YARGS_LOCALES}')`],
        // yargs reads the "yargs" settings of the package.json above its caller (the program's):
        // "node_modules" is no longer in the path, so the project folder is given.
        ["__dirname.substring(0, __dirname.lastIndexOf('node_modules'))", "resolve(__dirname, '../../..')"],
      ]) {
        if (!source.includes(line)) throw new Error(`${args.path} : « ${line} » introuvable (yargs a changé : revoir scripts/build-patches.mjs)`);
        source = source.replace(line, bundled);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/** Copies yargs's translations into `<dist>/yargs-locales` (see YARGS_LOCALES_IN_DIST). */
export function copyYargsLocales(dist) {
  const yargs = path.dirname(createRequire(path.join(root, 'package.json')).resolve('yargs/package.json'));
  cpSync(path.join(yargs, 'locales'), path.join(dist, YARGS_LOCALES), { recursive: true });
}

/**
 * docx names each image of a package by the SHA-1 of its bytes (`hashedId`, the key of its media
 * collection), worked out in JavaScript so that it runs in browsers too (docx's src/util/sha.ts):
 * some 18 ms of a cold `alses monthly` for the 80 kB of its charts and logo (issue 11). Bundled,
 * it asks Node's own SHA-1 (node:crypto) for the bytes of a Uint8Array (a Buffer too), which
 * gives the same digest; anything else still goes through docx's code. Throws at build time if
 * docx's file no longer has that function. Upstream: no dolanmiu/docx issue found (the JavaScript
 * SHA-1 replaced a dependency on purpose). Pinned by test/cli-start.test.ts (the bundle hashes
 * with node:crypto) and by the DOCX golden hashes (the same media names, hence the same bytes).
 */
export const DOCX_NATIVE_SHA1 = {
  name: 'docx-native-sha1',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]docx[\\/]dist[\\/]index\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = 'var sha1 = (data) => {';
      if (source.split(line).length !== 2) throw new Error(`${args.path} : « ${line} » introuvable ou en double (docx a changé : revoir scripts/build-patches.mjs)`);
      const native = 'var sha1 = (data) => data instanceof Uint8Array ? new Uint8Array(__alsesCreateHash("sha1").update(data).digest()) : sha1InJavaScript(data);\nvar sha1InJavaScript = (data) => {';
      return { contents: `import { createHash as __alsesCreateHash } from "node:crypto";\n${source.replace(line, native)}`, loader: 'js' };
    });
  },
};

/**
 * yargs counts the columns of its help with string-width 8, which builds its regular expressions
 * when it loads: `/^\p{RGI_Emoji}$/v` alone takes V8 12-24 ms to make (a class of every emoji
 * sequence), at every cold command, for help most of them never print (the help's layout is
 * cached: src/cli/patches/help-cache.ts). Bundled, yargs gets a stand-in that loads string-width
 * at its first call (esbuild evaluates a module `require`d from the bundle when it is first
 * required), so help asked for is measured by the same function. Throws at build time if yargs no
 * longer imports it as `import stringWidth from 'string-width'`. Upstream: no
 * sindresorhus/string-width issue found about its cost at load. Pinned by test/cli-start.test.ts
 * (a render does not evaluate string-width; help is still laid out).
 */
export const LAZY_STRING_WIDTH = {
  name: 'lazy-string-width',
  setup(build) {
    const shim = /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/;
    build.onResolve({ filter: /^string-width$/ }, (args) => {
      if (!shim.test(args.importer)) return undefined;
      if (!readFileSync(args.importer, 'utf8').includes("import stringWidth from 'string-width';")) throw new Error(`${args.importer} : « import stringWidth from 'string-width' » introuvable (yargs a changé : revoir scripts/build-patches.mjs)`);
      return { path: 'string-width', namespace: 'lazy-string-width', pluginData: { resolveDir: path.dirname(args.importer) } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: "let real;\nexport default function stringWidth(input, options) {\n  real ??= require('string-width').default;\n  return real(input, options);\n}\n",
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
  },
};
