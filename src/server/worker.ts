/**
 * Entry of a rendering worker thread (piscina): the task runner of `tasks.ts`, compiled to
 * dist/app/worker.js in the shipped build. A worker of a command-line batch first loads its
 * writer (`workerData.preload`, see pool.ts), before piscina gives it a job.
 */
import { workerData } from 'node:worker_threads';
import type { PoolStart } from './pool.ts';
import { runTask } from './tasks.ts';

const start = (workerData ?? {}) as PoolStart;
if (start.preload) await (await import('../jobs/batch.ts')).preloadWriter(start.preload);

export default runTask;
