/**
 * V8's code cache for the CommonJS modules the program loads (dist/app/ and the libraries left
 * in node_modules: pdfmake, pdfkit, fontkit…), made once by `npm run build` and read at every
 * start. Without it, V8 parses and compiles some 300 ms of JavaScript at each cold command.
 *
 * A reach into Node's module loader: `Module.prototype._compile` (the method that turns a
 * CommonJS file's text into its function, used the same way by ts-node and v8-compile-cache) is
 * replaced by one that gives V8 the cached data through `vm.Script`. Upstream, Node 22.1 has
 * this built in (`module.enableCompileCache`, nodejs/node#52535, asked in nodejs/node#47472), but
 * it writes its cache at run time into a folder of its own, and Node 20 has nothing like it.
 * Pinned by test/code-cache.test.ts.
 *
 * The cache is addressed by content: `<dir>/<sha1 of the file's text>.bin`, so a file changed
 * since the build is simply compiled as usual, and a cache V8 refuses (other Node version or V8
 * flags) is ignored by V8 itself: the program runs the same, more slowly. Nothing is written at
 * run time; `recordCodeCache` (the build) writes the folder.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** Node's CommonJS module, as `_compile` sees it (`this`). */
interface CommonJsModule {
  exports: unknown;
}

type Compile = (this: CommonJsModule, content: string, filename: string, format?: string) => unknown;

/** `Module.prototype._compile` and `Module.wrap`, not in @types/node. */
const loader = Module as unknown as { prototype: { _compile: Compile }; wrap(source: string): string };

/** The file of a module's cached code: its text's SHA-1 in hexadecimal, `.bin`. */
const cacheFile = (dir: string, content: string): string => path.join(dir, `${createHash('sha1').update(content).digest('hex')}.bin`);

/**
 * A module compiled through `vm.Script`, then run the way Node runs a CommonJS module
 * (`this` = exports; exports, require, module, __filename, __dirname).
 */
function runCompiled(script: vm.Script, module: CommonJsModule, filename: string): unknown {
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  return wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
}

/**
 * Whether `_compile` may be replaced for this file: CommonJS text (Node 22 passes a `format`
 * for the other kinds) without `import(` — a dynamic import from a `vm.Script` needs a
 * callback Node gives only its own loader — but in line comments: zod's bundle says "an inline
 * `import()`" in one, and its 780 kB were compiled from their text at every cold start (some
 * 20 ms of a monthly report). A line whose first characters are `//` holds no code.
 */
const replaceable = (content: unknown, format: string | undefined): content is string =>
  typeof content === 'string' && (format === undefined || format === 'commonjs') && !hasDynamicImport(content);

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

/**
 * Makes every CommonJS module loaded from now on start from its cached code in `dir` when there
 * is one for its exact text (see the file's comment). Modules without a cache compile as usual.
 * Reads `dir` only; never throws for a missing or unreadable cache.
 * @param dir the folder written by `recordCodeCache` (dist/code-cache).
 * @returns counts kept up to date as modules load.
 */
export function useCodeCache(dir: string): CodeCacheUse {
  const use: CodeCacheUse = { used: 0, rejected: 0 };
  const compile = loader.prototype._compile;
  loader.prototype._compile = function (this: CommonJsModule, content: string, filename: string, format?: string): unknown {
    if (replaceable(content, format)) {
      let cachedData: Buffer | undefined;
      try {
        cachedData = readFileSync(cacheFile(dir, content));
      } catch {
        // No cache for this text: compiled as usual below.
      }
      if (cachedData) {
        const script = new vm.Script(loader.wrap(content), { filename, cachedData });
        if (script.cachedDataRejected) use.rejected++;
        else use.used++;
        return runCompiled(script, this, filename);
      }
    }
    return compile.call(this, content, filename, format);
  };
  return use;
}

/**
 * For the build (scripts/train-code-cache.mjs): compiles every CommonJS module loaded from now on
 * through `vm.Script`, so that once the program has run, `write` can save the code V8 compiled
 * for each — what the run used, functions compiled lazily included.
 * @returns `write(dir)`: empties `dir` and writes one `<sha1>.bin` per module; returns their number.
 */
export function recordCodeCache(): { write(dir: string): number } {
  const compile = loader.prototype._compile;
  const scripts = new Map<string, vm.Script>();
  loader.prototype._compile = function (this: CommonJsModule, content: string, filename: string, format?: string): unknown {
    if (!replaceable(content, format)) return compile.call(this, content, filename, format);
    const script = new vm.Script(loader.wrap(content), { filename });
    scripts.set(content, script);
    return runCompiled(script, this, filename);
  };
  return {
    write(dir: string): number {
      mkdirSync(dir, { recursive: true });
      for (const [content, script] of scripts) writeFileSync(cacheFile(dir, content), script.createCachedData());
      return scripts.size;
    },
  };
}
