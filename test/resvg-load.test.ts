/**
 * Loading resvg without a diagnostic report (src/patches/resvg.ts): pins the C library read from
 * /usr/bin/ldd against Node's own answer, and that resvg-js then loads the binary it would have
 * chosen, without calling `process.report.getReport`.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { libcFromLdd, loadResvg } from '../src/patches/resvg.ts';

const require = createRequire(import.meta.url);

/** What Node's report says (what resvg-js asks when left alone). */
const reportLibc = (): 'glibc' | 'musl' => ((process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ? 'glibc' : 'musl');

describe('resvg loaded without a diagnostic report', () => {
  it('reads the C library from ldd as detect-libc does', () => {
    expect(libcFromLdd(() => '#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n')).toBe('musl');
    expect(libcFromLdd(() => '#! /bin/bash\n# This file is part of the GNU C Library.\n')).toBe('glibc');
    expect(libcFromLdd(() => '#!/bin/sh\necho ldd\n')).toBeUndefined();
    expect(
      libcFromLdd(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
    // On this machine: the same answer as Node's report, when ldd tells.
    if (process.platform === 'linux' && libcFromLdd() !== undefined) expect(libcFromLdd()).toBe(reportLibc());
  });

  it('loads the binary resvg-js would choose, without calling process.report.getReport', () => {
    const expected = reportLibc();
    const report = process.report as unknown as { getReport: (...a: unknown[]) => unknown };
    const real = report.getReport;
    let calls = 0;
    const counting = (...args: unknown[]) => {
      calls++;
      return real.apply(report, args);
    };
    report.getReport = counting;
    let resvg: typeof import('@resvg/resvg-js');
    try {
      expect(Object.keys(require.cache).some((f) => f.includes('@resvg/resvg-js/'))).toBe(false);
      resvg = loadResvg();
      expect(report.getReport).toBe(counting); // put back as it was
    } finally {
      report.getReport = real;
    }
    if (process.platform === 'linux' && libcFromLdd() !== undefined) {
      expect(calls).toBe(0);
      const binaries = Object.keys(require.cache).filter((f) => f.endsWith('.node') && f.includes('resvgjs.linux-'));
      expect(binaries).toHaveLength(1);
      expect(binaries[0]).toContain(expected === 'glibc' ? '-gnu' : '-musl');
    }
    // And it renders: a white square on a 4×4 canvas.
    const pixels = new resvg.Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#fff"/></svg>').render().pixels;
    expect([...pixels.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });
});
