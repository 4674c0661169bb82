/**
 * Entry of a rendering worker thread in the shipped build (dist/app/worker-start.js): makes the
 * thread's CommonJS modules start from the build's code cache, as bin/alses.mjs does for the main
 * thread (src/patches/code-cache.ts; each thread has its own module loader), then loads the
 * worker itself (worker.ts, compiled to dist/app/worker.js) and hands piscina its task runner.
 */
import { createRequire } from 'node:module';
import { useCodeCache } from '../patches/code-cache.ts';
import type runWhenLoaded from './worker.ts';

/** What the code cache did in this thread (test/code-cache.test.ts reads it). */
export const codeCache = useCodeCache();

export default (createRequire(import.meta.url)('./worker.js') as { default: typeof runWhenLoaded }).default;
