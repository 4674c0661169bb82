/**
 * Publishing replaces nothing when it cannot replace everything: a rename that fails midway (a
 * file locked or made immutable meanwhile) puts back the files already replaced.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const failOn = { path: '' };
vi.mock('../src/output/atomic.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/output/atomic.ts')>();
  const { AlsesError } = await import('../src/errors.ts');
  return {
    ...original,
    commitTemp: async (temp: string, file: string) => {
      if (file === failOn.path) {
        await original.removeQuietly(temp);
        throw new AlsesError('OUTPUT', `Remplacement de « ${file} » impossible : opération non permise (EPERM)`);
      }
      return original.commitTemp(temp, file);
    },
  };
});

const { publish } = await import('../src/output/publish.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-publish-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const provenance = { template: { path: 'templates/annexe-liste.hbs', sha256: 'a'.repeat(64) }, inputs: [{ path: 'data/dispositif.yaml', sha256: 'b'.repeat(64) }], date: '2019-07-15' };
const file = (name: string, text: string) => ({ path: path.join(dir, name), bytes: new TextEncoder().encode(text), provenance });

describe('publish', () => {
  it('writes new and changed files, leaves identical ones, records them in the manifest', async () => {
    await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B1')]);
    const results = await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B2')]);
    expect(results.map((r) => r.status)).toEqual(['unchanged', 'written']);
    expect(await readFile(path.join(dir, 'b.pdf'), 'utf8')).toBe('B2');
    expect(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')).outputs['b.pdf'].size).toBe(2);
  });

  it('a rename failing midway puts back the files already replaced and removes new ones', async () => {
    await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B1'), file('c.pdf', 'C1')]);
    const manifest = await readFile(path.join(dir, 'manifest.json'));
    failOn.path = path.join(dir, 'c.pdf');
    await expect(publish(dir, [file('a.pdf', 'A2'), file('new.pdf', 'N'), file('b.pdf', 'B1'), file('c.pdf', 'C2')])).rejects.toThrow(
      /Remplacement de « .*c\.pdf » impossible : opération non permise \(EPERM\) ; aucun fichier n'a été remplacé\./,
    );
    failOn.path = '';
    expect(await readFile(path.join(dir, 'a.pdf'), 'utf8')).toBe('A1');
    expect(await readFile(path.join(dir, 'b.pdf'), 'utf8')).toBe('B1');
    expect(await readFile(path.join(dir, 'c.pdf'), 'utf8')).toBe('C1');
    expect((await readdir(dir)).sort()).toEqual(['a.pdf', 'b.pdf', 'c.pdf', 'manifest.json']);
    expect(await readFile(path.join(dir, 'manifest.json'))).toEqual(manifest);
  });
});
