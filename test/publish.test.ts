/**
 * Publishing replaces nothing when it cannot replace everything: a rename that fails midway (a
 * file locked or made immutable meanwhile) puts back the files already replaced; the manifest is
 * part of the same transaction; what a killed publication left is completed or undone by the
 * next command (the real kills: fault-injection.test.ts).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
const { JOURNAL_FILE, recoverInterrupted } = await import('../src/output/journal.ts');
const { runCli } = await import('./helpers/cli.ts');

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

describe('publishing is one transaction: documents, manifest and its signature', () => {
  it('manifest cannot be written: documents are not replaced (finding: publishing is not a transaction)', async () => {
    await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B1')]);
    // The manifest's place is taken by a folder: the new documents must not go out without it.
    await rm(path.join(dir, 'manifest.json'));
    await mkdir(path.join(dir, 'manifest.json'));
    await expect(publish(dir, [file('a.pdf', 'A2'), file('b.pdf', 'B2')])).rejects.toThrow(/Manifeste « .*manifest\.json » endommagé : un dossier porte ce nom/);
    expect(await readFile(path.join(dir, 'a.pdf'), 'utf8')).toBe('A1');
    expect(await readFile(path.join(dir, 'b.pdf'), 'utf8')).toBe('B1');
    expect((await readdir(dir)).sort()).toEqual(['a.pdf', 'b.pdf', 'manifest.json']);
  });

  it('manifest rename fails (disk full, EPERM): the documents already replaced are put back (finding: publishing is not a transaction)', async () => {
    await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B1')]);
    const manifest = await readFile(path.join(dir, 'manifest.json'));
    failOn.path = path.join(dir, 'manifest.json');
    await expect(publish(dir, [file('a.pdf', 'A2'), file('b.pdf', 'B2')])).rejects.toThrow(/manifest\.json » impossible : opération non permise \(EPERM\) ; aucun fichier n'a été remplacé\./);
    failOn.path = '';
    expect(await readFile(path.join(dir, 'a.pdf'), 'utf8')).toBe('A1');
    expect(await readFile(path.join(dir, 'b.pdf'), 'utf8')).toBe('B1');
    expect(await readFile(path.join(dir, 'manifest.json'))).toEqual(manifest);
    expect((await readdir(dir)).sort()).toEqual(['a.pdf', 'b.pdf', 'manifest.json']);
  });

  it('monthly whose manifest cannot be written: exit 3, previous report intact, log says failed with no output (finding: publishing is not a transaction)', async () => {
    const out = path.join(dir, 'out');
    expect((await runCli(['monthly', '--month', '2019-08', '--out', out])).code).toBe(0);
    const before = await readFile(path.join(out, 'rapport-mensuel-2019-08.pdf'));
    await rm(path.join(out, 'manifest.json'));
    await mkdir(path.join(out, 'manifest.json'));
    const run = await runCli(['monthly', '--month', '2019-09', '--out', out]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ status: 'failed', exitCode: 3, outputs: [] });
    expect((await readdir(out)).filter((f) => f.includes('2019-09'))).toEqual([]);
    expect(await readFile(path.join(out, 'rapport-mensuel-2019-08.pdf'))).toEqual(before);
  });
});

/** The pid of a process that has ended. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

/** Writes `text` to `dir/name`. */
const put = (name: string, text: string) => writeFile(path.join(dir, name), text);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
/** A journal entry as a publication writes it (journal.ts). */
const entry = (target: string, temp: string, backup: string | null, text: string) => ({ target, temp, backup, sha256: sha(text) });
/** Writes the journal a publication of process `pid` would have left. */
const putJournal = (pid: number, entries: readonly ReturnType<typeof entry>[]) =>
  put(JOURNAL_FILE, JSON.stringify({ product: 'alses-reports', kind: 'publication', pid, started: new Date().toISOString(), phase: 'committing', entries }));

describe('a publication interrupted by a kill is repaired by the next command', () => {
  it('killed before its journal: temporary files and kept versions are removed, previous files stay (finding: a killed publication leaves a mix and debris)', async () => {
    const pid = await deadPid();
    await put('a.pdf', 'A1');
    await put(`.a.pdf.${pid}.0123abcd.tmp`, 'A2 (trunc');
    await put(`.a.pdf.${pid}.4567cdef.bak`, 'A1');
    await put(`.b.pdf.${process.pid}.89abcdef.tmp`, 'a live run writing'); // this process is alive: kept
    const recovery = await recoverInterrupted(dir);
    expect(recovery).toEqual({ files: 0, debris: 2 });
    expect((await readdir(dir)).sort()).toEqual([`.b.pdf.${process.pid}.89abcdef.tmp`, 'a.pdf']);
    expect(await readFile(path.join(dir, 'a.pdf'), 'utf8')).toBe('A1');
  });

  it('killed between two renames: verify completes the publication first, then finds the folder whole (finding: a killed publication leaves a mix and debris)', async () => {
    const pid = await deadPid();
    await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B1')]);
    const manifestBefore = await readFile(path.join(dir, 'manifest.json'), 'utf8');
    // What the run had prepared: new bytes for both files and the manifest, then renamed a.pdf only.
    const manifestAfter = manifestBefore.replace(sha('A1'), sha('A2')).replace(sha('B1'), sha('B2'));
    await put(`.b.pdf.${pid}.00000001.tmp`, 'B2');
    await put(`.manifest.json.${pid}.00000002.tmp`, manifestAfter);
    await rename(path.join(dir, 'b.pdf'), path.join(dir, `.b.pdf.${pid}.00000003.bak`));
    await put('b.pdf', 'B1');
    await rename(path.join(dir, 'a.pdf'), path.join(dir, `.a.pdf.${pid}.00000004.bak`));
    await put('a.pdf', 'A2');
    await rename(path.join(dir, 'manifest.json'), path.join(dir, `.manifest.json.${pid}.00000005.bak`));
    await put('manifest.json', manifestBefore);
    await putJournal(pid, [
      entry('a.pdf', `.a.pdf.${pid}.0000000a.tmp`, `.a.pdf.${pid}.00000004.bak`, 'A2'),
      entry('b.pdf', `.b.pdf.${pid}.00000001.tmp`, `.b.pdf.${pid}.00000003.bak`, 'B2'),
      entry('manifest.json', `.manifest.json.${pid}.00000002.tmp`, `.manifest.json.${pid}.00000005.bak`, manifestAfter),
    ]);
    const verify = await runCli(['verify', dir]);
    expect(verify.stderr).toContain(`publication interrompue dans « ${dir} » (processus ${pid}) achevée : 3 fichiers remplacés comme prévu.`);
    expect(verify.code, verify.stdout).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['a.pdf', 'b.pdf', 'manifest.json']);
    expect([await readFile(path.join(dir, 'a.pdf'), 'utf8'), await readFile(path.join(dir, 'b.pdf'), 'utf8')]).toEqual(['A2', 'B2']);
  });

  it('a new file damaged after the journal: the previous set is put back (finding: a killed publication leaves a mix and debris)', async () => {
    const pid = await deadPid();
    await publish(dir, [file('a.pdf', 'A1'), file('b.pdf', 'B1')]);
    const files = await Promise.all(['a.pdf', 'b.pdf', 'manifest.json'].map((f) => readFile(path.join(dir, f))));
    // a.pdf was replaced; b.pdf's new version, still in its temporary file, lost bytes.
    await link(path.join(dir, 'a.pdf'), path.join(dir, `.a.pdf.${pid}.00000001.bak`));
    await put(`.a.pdf.${pid}.0000000a.tmp`, 'A2');
    await rename(path.join(dir, `.a.pdf.${pid}.0000000a.tmp`), path.join(dir, 'a.pdf'));
    await put(`.b.pdf.${pid}.00000002.tmp`, 'B');
    await link(path.join(dir, 'b.pdf'), path.join(dir, `.b.pdf.${pid}.00000003.bak`));
    await put('c.pdf', 'C2');
    await putJournal(pid, [
      entry('a.pdf', `.a.pdf.${pid}.0000000a.tmp`, `.a.pdf.${pid}.00000001.bak`, 'A2'),
      entry('b.pdf', `.b.pdf.${pid}.00000002.tmp`, `.b.pdf.${pid}.00000003.bak`, 'B2'),
      entry('c.pdf', `.c.pdf.${pid}.00000004.tmp`, null, 'C2'),
    ]);
    expect(await recoverInterrupted(dir)).toMatchObject({ direction: 'back', pid, files: 3 });
    expect((await readdir(dir)).sort()).toEqual(['a.pdf', 'b.pdf', 'manifest.json']);
    expect(await Promise.all(['a.pdf', 'b.pdf', 'manifest.json'].map((f) => readFile(path.join(dir, f))))).toEqual(files);
  });
});
