/**
 * Entry of a rendering worker thread (piscina): the task runner of `tasks.ts`, compiled to
 * dist/app/worker.js in the shipped build. A worker of a command-line batch first loads its
 * writer (`workerData.preload`, see pool.ts): its first task waits for that loading, which starts
 * as the thread starts.
 */
import { workerData } from 'node:worker_threads';
import type { PoolStart } from './pool.ts';
import { runTask, type Task } from './tasks.ts';

const start = (workerData ?? {}) as PoolStart;
const preloaded: Promise<void> | undefined = start.preload ? import('../jobs/batch.ts').then((batch) => batch.preloadWriter(start.preload!)) : undefined;

/** `runTask`, once the writer to preload (if any) is loaded. */
export default async function runWhenLoaded(task: Task): ReturnType<typeof runTask> {
  await preloaded;
  return runTask(task);
}
