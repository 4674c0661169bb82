/**
 * V8's code cache for the CommonJS modules the program loads (dist/app/ and the libraries left
 * in node_modules: pdfmake, pdfkit, fontkit…), made once by `npm run build` and read at every
 * start. Without it, V8 parses and compiles some 250 ms of JavaScript at each cold command.
 *
 * A reach into Node's module loader: `Module.prototype._compile` (the method that turns a
 * CommonJS file's text into its function, used the same way by ts-node and v8-compile-cache) is
 * replaced by one that gives V8 the cached data through `vm.Script`. Upstream, Node 22.1 has
 * this built in (`module.enableCompileCache`, nodejs/node#52535, asked in nodejs/node#47472), but
 * it writes its cache at run time into a folder of its own, and Node 20 has nothing like it.
 * Pinned by test/code-cache.test.ts.
 *
 * The folder holds `index.json` — for each module, by its path relative to the project: the
 * size in bytes and modification time of the file the cache was made from, and the file of its
 * code with that file's SHA-1 (V8 checks a cache's header only: damaged further on, it would run
 * whatever the bytes say) — and one `<n>.bin` per module. A module whose file changed since (size or time; npm
 * installs packages with a fixed time, a change gives a new one) is compiled as usual, and so
 * is one whose cache V8 refuses (other Node version or V8 flags): the program runs the same,
 * more slowly. The file's size and time stand for its content: hashing the 5 MB of JavaScript a
 * render loads would cost more than a tenth of what the cache saves. Nothing is written at run
 * time; `recordCodeCache` (the build) writes the folder.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** Node's CommonJS module, as `_compile` sees it (`this`). */
interface CommonJsModule {
  exports: unknown;
}

type Compile = (this: CommonJsModule, content: string, filename: string, format?: string) => unknown;

/** `Module.prototype._compile` and `Module.wrap`, not in @types/node. */
const loader = Module as unknown as { prototype: { _compile: Compile }; wrap(source: string): string };

/** An entry of index.json: the module's file when its cache was made, and the cache's file in the folder. */
interface CachedModule {
  /** Size of the module's file, bytes. */
  size: number;
  /** Modification time of the module's file, ms since 1970 (`fs.Stats.mtimeMs`). */
  mtimeMs: number;
  /** The file of the cached code, in the cache's folder. */
  code: string;
  /** SHA-1 of that file, hexadecimal: V8 checks a cache's header, not its content. */
  sha1: string;
}

/** SHA-1 of bytes, hexadecimal (a damaged cache file is not given to V8: see `CachedModule.sha1`). */
const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/** The name of the cache's index in its folder. */
const INDEX = 'index.json';

/** `file`'s path relative to `root`, with `/` separators: the index's key. */
const key = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/**
 * A module compiled through `vm.Script`, then run the way Node runs a CommonJS module
 * (`this` = exports; exports, require, module, __filename, __dirname).
 */
function runCompiled(script: vm.Script, module: CommonJsModule, filename: string): unknown {
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  return wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
}

/** Whether `_compile` is given CommonJS text (Node 22 passes a `format` for the other kinds). */
const commonJsText = (content: unknown, format: string | undefined): content is string =>
  typeof content === 'string' && (format === undefined || format === 'commonjs');

/**
 * Whether a module may be recorded: CommonJS text without `import(` — a dynamic import from a
 * `vm.Script` needs a callback Node gives only its own loader — but in line comments: zod's
 * bundle says "an inline `import()`" in one, and its 780 kB were compiled from their text at
 * every cold start (some 20 ms of a monthly report). A line whose first characters are `//`
 * holds no code. Checked when recording only: a module found in the index with its file's size
 * and time unchanged is a text that passed it.
 */
const recordable = (content: unknown, format: string | undefined): content is string => commonJsText(content, format) && !hasDynamicImport(content);

/** Whether `import(` is in `content` outside lines that are comments (`// …`). */
function hasDynamicImport(content: string): boolean {
  for (let at = content.indexOf('import('); at >= 0; at = content.indexOf('import(', at + 1)) {
    const lineStart = content.lastIndexOf('\n', at) + 1;
    if (!/^[ \t]*\/\//.test(content.slice(lineStart, at))) return true;
  }
  return false;
}

/** What `useCodeCache` did so far: modules started from their cached code, and caches V8 refused. */
export interface CodeCacheUse {
  /** Modules compiled with their cached code (V8 took it). */
  used: number;
  /** Modules whose cached code V8 refused (another Node version or other V8 flags): compiled from their text. */
  rejected: number;
}

/** A code cache's folder and the folder its index's paths are relative to. */
export interface CodeCacheFolder {
  /** The folder of index.json and the `<n>.bin` files. */
  readonly dir: string;
  /** The folder the index's paths are relative to (the project). */
  readonly root: string;
}

/**
 * The shipped build's code cache: dist/code-cache, paths relative to the project, as seen from
 * this module's built file in dist/app/ (bin/alses.mjs, the worker threads and the build's run).
 */
export const builtCodeCache = (): CodeCacheFolder => ({
  dir: fileURLToPath(new URL('../code-cache', import.meta.url)),
  root: fileURLToPath(new URL('../..', import.meta.url)),
});

/** The cached code of `filename` if its file is the one the cache was made from, else undefined. */
function cachedCode(dir: string, index: Readonly<Record<string, CachedModule>>, root: string, filename: string): Buffer | undefined {
  const entry = index[key(root, filename)];
  // A cache file of the folder, by the name `write` gives it (not a path elsewhere).
  if (entry === undefined || typeof entry?.code !== 'string' || !/^\d+\.bin$/.test(entry.code)) return undefined;
  try {
    const stats = statSync(filename);
    if (stats.size !== entry.size || stats.mtimeMs !== entry.mtimeMs) return undefined;
    const code = readFileSync(path.join(dir, entry.code));
    return sha1(code) === entry.sha1 ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes every CommonJS module loaded from now on start from its cached code in `cache.dir` when
 * its file is the one the cache was made from (see the file's comment). Other modules compile as
 * usual. Reads `cache.dir` only; never throws for a missing, unreadable or damaged index.
 * @param cache the folder written by `recordCodeCache` (by default the build's, dist/code-cache).
 * @returns counts kept up to date as modules load.
 */
export function useCodeCache({ dir, root }: CodeCacheFolder = builtCodeCache()): CodeCacheUse {
  const use: CodeCacheUse = { used: 0, rejected: 0 };
  let index: Record<string, CachedModule>;
  try {
    index = JSON.parse(readFileSync(path.join(dir, INDEX), 'utf8')) as Record<string, CachedModule>;
  } catch {
    return use;
  }
  if (typeof index !== 'object' || index === null || Array.isArray(index)) return use;
  const compile = loader.prototype._compile;
  loader.prototype._compile = function (this: CommonJsModule, content: string, filename: string, format?: string): unknown {
    const cachedData = commonJsText(content, format) ? cachedCode(dir, index, root, filename) : undefined;
    if (cachedData === undefined) return compile.call(this, content, filename, format);
    const script = new vm.Script(loader.wrap(content), { filename, cachedData });
    if (script.cachedDataRejected) use.rejected++;
    else use.used++;
    return runCompiled(script, this, filename);
  };
  return use;
}

/**
 * For the build (scripts/train-code-cache.mjs): compiles every CommonJS module loaded from now on
 * through `vm.Script`, so that once the program has run, `write` can save the code V8 compiled
 * for each — what the run used, functions compiled lazily included.
 * @returns `write(cache)`: writes into `cache.dir` (made if missing; by default the build's,
 *   dist/code-cache) index.json, its paths relative to `cache.root`, and one `<n>.bin` per
 *   module; returns the number of modules.
 */
export function recordCodeCache(): { write(cache?: CodeCacheFolder): number } {
  const compile = loader.prototype._compile;
  const scripts = new Map<string, vm.Script>();
  loader.prototype._compile = function (this: CommonJsModule, content: string, filename: string, format?: string): unknown {
    if (!recordable(content, format)) return compile.call(this, content, filename, format);
    const script = new vm.Script(loader.wrap(content), { filename });
    scripts.set(filename, script);
    return runCompiled(script, this, filename);
  };
  return {
    write({ dir, root }: CodeCacheFolder = builtCodeCache()): number {
      mkdirSync(dir, { recursive: true });
      const index: Record<string, CachedModule> = {};
      let n = 0;
      for (const [filename, script] of scripts) {
        const { size, mtimeMs } = statSync(filename);
        const code = `${n++}.bin`;
        const data = script.createCachedData();
        writeFileSync(path.join(dir, code), data);
        index[key(root, filename)] = { size, mtimeMs, code, sha1: sha1(data) };
      }
      writeFileSync(path.join(dir, INDEX), `${JSON.stringify(index, null, 1)}\n`);
      return n;
    },
  };
}
