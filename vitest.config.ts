import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that take longest (measured alone on an idle 2-core machine), longest first. They
 * start first so that the workers finish together instead of one of them running a long file
 * alone at the end. Vitest orders by the durations of the previous run when it has them
 * (node_modules/.vite/vitest), but a fresh install (CI: `npm ci`) has none and falls back on file
 * size, which puts the short fault-injection file, the longest of all, near the end.
 */
const LONGEST_FIRST = [
  'test/fault-injection.test.ts',
  'test/pagination.test.ts',
  'test/batch.test.ts',
  'test/monthly.test.ts',
  'test/server-browser.test.ts',
  'test/input-bad.test.ts',
  'test/hostile-corpus-paths.test.ts',
  'test/progress.test.ts',
  'test/lock.test.ts',
  'test/writers-libreoffice.test.ts',
  'test/hostile-corpus-data.test.ts',
  'test/html-preview.test.ts',
  'test/writers.test.ts',
  'test/cli-start.test.ts',
];

/** Vitest's order (failed first, then longest by the last run's durations, then largest), the known long files first. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONGEST_FIRST.indexOf(path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/'));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One test file per core. Vitest's default is one less than the cores: a single worker on a
    // 2-core machine, which ran the files one after the other while the second core waited.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongestFirst },
  },
});
