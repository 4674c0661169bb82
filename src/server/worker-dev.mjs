// Entry of a rendering worker thread when the server runs from the TypeScript sources (tests,
// `tsx`): loads them through tsx. The shipped build runs dist/app/worker.js instead.
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./worker.ts');
export default runTask;
