// Entry of a rendering worker thread (piscina): loads the TypeScript sources through tsx, as
// bin/alses.mjs does for the command line, and exports the task runner.
import { register } from 'tsx/esm/api';

register();
const { runTask } = await import('./tasks.ts');
export default runTask;
