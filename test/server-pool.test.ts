/**
 * The web server's worker pool (src/server/pool.ts): a job's time limit counts its running time,
 * not its wait behind other jobs, and a full queue is refused at once in French.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { JobLimitError, WorkerPool } from '../src/server/pool.ts';

const INSPECT = { kind: 'inspect', source: { path: 'data' }, templatesDir: 'templates' } as const;
const pools: WorkerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('worker pool limits', () => {
  it('times a job from when a worker takes it, not from when it was asked: the jobs waiting have no timer yet', async () => {
    const pool = new WorkerPool({ timeoutMs: 60_000, maxMemoryMb: 512, threads: 1, maxQueue: 8 });
    pools.push(pool);
    const timers = vi.spyOn(AbortSignal, 'timeout');
    try {
      const jobs = Array.from({ length: 5 }, () => pool.run(INSPECT));
      await new Promise((resolve) => setImmediate(resolve));
      // One job handed to the worker, with its 60 s; four waiting, without.
      expect(timers).toHaveBeenCalledTimes(1);
      expect(timers).toHaveBeenCalledWith(60_000);
      expect(pool.busy).toBe(5);
      const results = await Promise.all(jobs);
      expect(results.every((r) => r.ok)).toBe(true);
      // Each had its own 60 s once it started.
      expect(timers).toHaveBeenCalledTimes(5);
      expect(pool.busy).toBe(0);
    } finally {
      timers.mockRestore();
    }
  }, 120_000);

  it('refuses a job when the queue is full, in French, and runs the others', async () => {
    const pool = new WorkerPool({ timeoutMs: 60_000, maxMemoryMb: 512, threads: 1, maxQueue: 2 });
    pools.push(pool);
    const jobs = Array.from({ length: 4 }, () => pool.run(INSPECT).then((r) => r.ok, (e: unknown) => e));
    const outcomes = await Promise.all(jobs);
    expect(outcomes.slice(0, 3)).toEqual([true, true, true]);
    expect(outcomes[3]).toBeInstanceOf(JobLimitError);
    expect((outcomes[3] as JobLimitError).message).toBe('Serveur occupé : trop de traitements en attente, réessayez dans un instant');
  }, 120_000);
});
