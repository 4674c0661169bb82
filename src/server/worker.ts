/**
 * Entry of a rendering worker thread (piscina): the task runner of `tasks.ts`, compiled to
 * dist/app/worker.js in the shipped build.
 */
import { runTask } from './tasks.ts';

export default runTask;
