/**
 * Golden hashes: every document the product makes today (`npm start` and `alses monthly` for
 * 2019-07, 2019-08 and 2019-09) keeps the exact bytes recorded in `fixtures/golden/sha256.json`.
 * A restructuring must leave them equal; a change meant to alter the output updates the file in
 * the same commit and says why.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';

const expected = JSON.parse(
  await readFile(path.join(import.meta.dirname, 'fixtures/golden/sha256.json'), 'utf8'),
) as Record<string, string>;

let out: string;
const produced: Record<string, string> = {};

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'alses-golden-'));
  const render = await runCli(['render', '--out', out]);
  expect(render.code, render.stderr).toBe(0);
  for (const month of ['2019-07', '2019-08', '2019-09']) {
    const monthly = await runCli(['monthly', '--month', month, '--out', out]);
    expect(monthly.code, monthly.stderr).toBe(0);
  }
  for (const name of await readdir(out)) {
    if (!/\.(pdf|docx|html)$/.test(name)) continue;
    produced[name] = createHash('sha256').update(await readFile(path.join(out, name))).digest('hex');
  }
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('golden hashes of every document', () => {
  it('produces exactly the recorded set of files', () => {
    expect(Object.keys(produced).sort()).toEqual(Object.keys(expected).sort());
  });
  it.each(Object.keys(expected).sort())('%s keeps its bytes', (name) => {
    expect(produced[name]).toBe(expected[name]);
  });
});
