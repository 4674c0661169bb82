/**
 * Named points of a publication where the fault-injection test (test/fault-injection.test.ts)
 * stops the real process: `ALSES_TEST_FAULT=<point>=<action>[,<point>=<action>…]`, read only from
 * the environment, so a production run (variable unset) never does anything here.
 *
 * Points, in the order a publication passes them (`<n>`: 1 for the first file, 2 for the second…):
 * `loaded` (`monthly`: data and template read) or `rendered` (`render`: every file made in
 * memory), both before the lock is taken; `locked` (lock taken, journal of an interrupted run
 * repaired), `temp:<n>` (a temporary file written and flushed), `backup:<n>` (the previous
 * version kept aside), `journal` (the journal written: the commit point), `rename:<n>` (a file
 * replaced), `renamed` (every file replaced, folder flushed), `cleanup:<n>` (a kept version
 * removed), `done` (journal removed); and, for
 * `alses import` only, `planned` (files compared with the data folder, before its lock is taken).
 *
 * Actions: `kill` (SIGKILL to itself: nothing more runs), `term` (SIGTERM to itself, then a short
 * pause so the handler runs), `block:<ms>` (blocks the main thread, as a long computation does),
 * `hold:<file>` (blocks the main thread likewise until `file` exists, having first created
 * `<file>.atteint` so that a test knows the point is reached).
 * `ALSES_TEST_FAULT=trace` prints `alses-test-point <point>` on stderr at each point.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The environment variable read by `faultPoint`. */
export const FAULT_VARIABLE = 'ALSES_TEST_FAULT';

/**
 * Runs the test action configured for `point`, if any (see the module's comment); without
 * `ALSES_TEST_FAULT`, returns at once.
 */
export async function faultPoint(point: string): Promise<void> {
  const spec = process.env[FAULT_VARIABLE];
  if (!spec) return;
  if (spec === 'trace') {
    process.stderr.write(`alses-test-point ${point}\n`);
    return;
  }
  for (const rule of spec.split(',')) {
    const at = rule.lastIndexOf('=');
    if (rule.slice(0, at) !== point) continue;
    const action = rule.slice(at + 1);
    if (action === 'kill') process.kill(process.pid, 'SIGKILL');
    else if (action === 'term') {
      process.kill(process.pid, 'SIGTERM');
      await sleep(100);
    } else if (action.startsWith('block:')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(action.slice(6)));
    else if (action.startsWith('hold:')) {
      writeFileSync(`${action.slice(5)}.atteint`, '');
      while (!existsSync(action.slice(5))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}
