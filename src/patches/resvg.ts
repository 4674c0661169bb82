/**
 * Loading @resvg/resvg-js 2.6 without its costly C library check. On Linux, its `js-binding.js`
 * picks the native binary built for glibc or for musl by asking `process.report.getReport()`
 * whether the process runs on glibc: a whole diagnostic report (JavaScript and native stacks,
 * heap, libuv handles, environment, shared objects), 5 to 17 ms of a cold command, for one
 * field of its header. Upstream: napi-rs/napi-rs#1660 (the generator of that file now reads
 * `/usr/bin/ldd` first, 25 ms → 0.15 ms; resvg-js 2.6.2 was generated before it) and
 * nodejs/node#48204 (no cheaper Node API for the libc).
 *
 * Here `/usr/bin/ldd` is read as detect-libc and napi-rs read it (`musl` in it: musl; `GNU C
 * Library`: glibc), and while resvg-js loads, `process.report.getReport` answers that alone
 * (`header.glibcVersionRuntime` set for glibc, absent for musl, as in a real report); resvg-js
 * then loads the same binary it would have chosen. When the file says neither (or cannot be
 * read), or off Linux, resvg-js asks Node as usual. Pinned by test/resvg-load.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The C library `/usr/bin/ldd` belongs to, or undefined when it cannot tell (detect-libc's rule). */
export function libcFromLdd(read: () => string = () => readFileSync('/usr/bin/ldd', 'latin1')): 'glibc' | 'musl' | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  if (text.includes('musl')) return 'musl';
  if (text.includes('GNU C Library')) return 'glibc';
  return undefined;
}

/** `process.report`, as far as resvg-js uses it. */
type Report = { getReport: (...args: unknown[]) => unknown };

/**
 * @resvg/resvg-js (`Resvg`, `renderAsync`…), loaded as its own `index.js` loads it, without a
 * diagnostic report on Linux when `/usr/bin/ldd` tells the C library (see the file's comment).
 * @throws Error as `require('@resvg/resvg-js')` when no native binary fits the platform.
 */
export function loadResvg(): typeof import('@resvg/resvg-js') {
  const report = process.report as unknown as Report | undefined;
  const libc = process.platform === 'linux' && typeof report?.getReport === 'function' ? libcFromLdd() : undefined;
  if (!report || libc === undefined) return require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const getReport = report.getReport;
  // Only the header field resvg-js reads; Node's own value is a version string such as "2.36".
  report.getReport = () => ({ header: libc === 'glibc' ? { glibcVersionRuntime: 'glibc (/usr/bin/ldd)' } : {} });
  try {
    return require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  } finally {
    report.getReport = getReport;
  }
}
