/**
 * Private workspaces: a workbook (or CSV files) dropped on the page is kept in a temporary folder
 * of that browser session only — never in data/ — until staff press « Enregistrer dans les
 * données ». A session is a random id in an HttpOnly, SameSite=Strict cookie.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { systemReason } from '../output/atomic.ts';
import type { DataSource } from './engine.ts';
import { fingerprint } from './fingerprint.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'alses_espace';

/** An uploaded file: its name as sent by the browser and its bytes. */
export interface UploadedFile {
  readonly filename: string;
  readonly bytes: Uint8Array;
}

/** A session's workspace: the folder and the data source it holds. */
export interface Workspace {
  readonly id: string;
  readonly dir: string;
  readonly source: DataSource;
  /** French description for the page: « classeur alses.xlsx », « fichiers 2019-07-15.csv ». */
  readonly label: string;
  /** The files as uploaded, kept beside `dir` to lay them again over a newer data/ (`Workspaces.current`). */
  readonly uploads: { readonly dir: string; readonly names: readonly string[] };
  /** The fingerprint of data/ when `dir` was copied from it. */
  readonly base: string;
  lastUsed: number;
}

/** A bad upload (no file, unknown kind of file…): HTTP 400 with this French message. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
}

/** What the workspace reads of its dispositif.yaml (unchecked: the loader checks it). */
interface WorkspaceYaml {
  readonly etats?: readonly ({ readonly fichier?: unknown } | null)[];
  readonly deploiements?: readonly ({ readonly fichier?: unknown } | null)[];
}

/** Prefix of the temporary folder holding a server's workspaces. */
const ROOT_PREFIX = 'alses-serve-';

/** File of a workspaces' root folder naming the server that owns it: `{ "pid": 1234, "host": "…" }`. */
const OWNER_FILE = 'serveur.json';

/** Whether process `pid` runs on this machine (a process of another user counts: EPERM). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the workspaces' root folders that servers killed without closing (kill -9, power cut)
 * left in `tmp` (default: the system's temporary folder): those whose owner file names this
 * machine and a process that no longer runs. A folder of a running server, of another machine
 * sharing the folder, or without an owner file (being created) is kept.
 * @returns the folders removed.
 */
export async function sweepAbandonedWorkspaces(tmp = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(tmp).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(ROOT_PREFIX))) {
    const dir = path.join(tmp, name);
    const owner = await readFile(path.join(dir, OWNER_FILE), 'utf8').then(
      (text) => JSON.parse(text) as { pid?: unknown; host?: unknown },
      () => undefined,
    ).catch(() => undefined);
    if (!owner || owner.host !== os.hostname() || typeof owner.pid !== 'number' || owner.pid === process.pid || running(owner.pid)) continue;
    await rm(dir, { recursive: true, force: true }).then(() => removed.push(dir), () => undefined);
  }
  return removed;
}

const WORKBOOK = /\.(xlsx|xlsm)$/i;
const CSV = /\.csv$/i;
const YAML_NAME = 'dispositif.yaml';

/** A file name safe to use in a folder: its last part, without path or control characters. */
export function safeName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '').slice(0, 120);
  return cleaned || 'fichier';
}

/** The workspaces of the running server, at most `max` (the least recently used goes first). */
export class Workspaces {
  readonly #byId = new Map<string, Workspace>();
  /** Workspaces being laid again over a newer data/, by session id (`current`). */
  readonly #rebasing = new Map<string, Promise<Workspace | undefined>>();
  /** The temporary folder of the workspaces, made on first use. */
  #root: Promise<string> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly max = 20,
  ) {}

  /** The workspace of a session id, if any (marks it used). */
  get(id: string | undefined): Workspace | undefined {
    const ws = id ? this.#byId.get(id) : undefined;
    if (ws) ws.lastUsed = Date.now();
    return ws;
  }

  /** A fresh session id. */
  static newId(): string {
    return randomBytes(24).toString('base64url');
  }

  /**
   * Replaces the workspace of session `id` with the uploaded files:
   * - one workbook (.xlsx) read over a copy of data/ (with `dispositif.yaml` if sent): its sheets
   *   replace the états and déploiements they name, the others are data/'s, as with
   *   `alses validate --classeur` — a workbook of the new rentrée's sheets only is enough;
   * - or CSV files (and/or `dispositif.yaml`) laid over a copy of data/, each CSV at the place of
   *   the état or déploiement file of the same name.
   * @throws UploadError in French when the files cannot make a data source.
   */
  async replace(id: string, files: readonly UploadedFile[]): Promise<Workspace> {
    if (files.length === 0) throw new UploadError('Aucun fichier reçu (attendu : un classeur .xlsx, ou des fichiers CSV et dispositif.yaml)');
    const named = files.map((f) => ({ ...f, name: safeName(f.filename) }));
    const other = named.filter((f) => !WORKBOOK.test(f.name) && !CSV.test(f.name) && f.name !== YAML_NAME);
    if (other.length)
      throw new UploadError(
        `Fichier « ${other[0]!.name} » non pris en charge (attendu : un classeur .xlsx, des fichiers .csv ou dispositif.yaml ; un classeur .xls ou .ods s'enregistre au format .xlsx avec « Enregistrer sous »)`,
      );
    const workbooks = named.filter((f) => WORKBOOK.test(f.name));
    const csvs = named.filter((f) => CSV.test(f.name));
    const yaml = named.find((f) => f.name === YAML_NAME);
    if (workbooks.length > 1) throw new UploadError(`Plusieurs classeurs reçus (${workbooks.map((w) => w.name).join(', ')}) : déposez-en un seul`);
    if (workbooks.length === 1 && csvs.length) throw new UploadError('Classeur et fichiers CSV reçus ensemble : déposez soit un classeur, soit des fichiers CSV');

    await this.drop(id);
    const ws = await this.build(id, named, workbooks, csvs, yaml);
    this.#byId.set(id, ws);
    await this.evict();
    return ws;
  }

  /**
   * The workspace of session `id` laid over data/ as it is now: when data/ changed since the
   * upload (a colleague saved, a command wrote), the same uploaded files over a new copy of it.
   * Without this, saving from a page left open wrote back the copy of dispositif.yaml taken at
   * upload, undoing what was saved in between (a trial: a colleague's new état, removed). A
   * workspace whose files no longer fit the new data/ (a CSV whose état is gone) is dropped.
   * The previous folder is removed a minute later: a job may still be reading it.
   * @returns undefined when the session has no workspace (any more).
   */
  async current(id: string | undefined): Promise<Workspace | undefined> {
    const ws = this.get(id);
    if (!ws || id === undefined) return ws;
    const pending = this.#rebasing.get(id);
    if (pending) return pending;
    if ((await fingerprint([this.dataDir])) === ws.base) return ws;
    const rebase = (async (): Promise<Workspace | undefined> => {
      const files = await Promise.all(ws.uploads.names.map(async (name) => ({ filename: name, bytes: await readFile(path.join(ws.uploads.dir, name)) })));
      const named = files.map((f) => ({ ...f, name: f.filename }));
      let next: Workspace | undefined;
      try {
        next = await this.build(
          id,
          named,
          named.filter((f) => WORKBOOK.test(f.name)),
          named.filter((f) => CSV.test(f.name)),
          named.find((f) => f.name === YAML_NAME),
        );
      } catch (err) {
        if (!(err instanceof UploadError)) throw err;
      }
      if (this.#byId.get(id) === ws) {
        if (next) this.#byId.set(id, next);
        else this.#byId.delete(id);
        setTimeout(() => void this.removeFolders(ws), 60_000).unref();
      } else if (next) await this.removeFolders(next);
      return this.#byId.get(id);
    })().finally(() => this.#rebasing.delete(id));
    this.#rebasing.set(id, rebase);
    return rebase;
  }

  /** A workspace of session `id` made of the uploaded files (checked by `replace`) over a copy of data/. */
  private async build(
    id: string,
    named: readonly (UploadedFile & { readonly name: string })[],
    workbooks: readonly (UploadedFile & { readonly name: string })[],
    csvs: readonly (UploadedFile & { readonly name: string })[],
    yaml: (UploadedFile & { readonly name: string }) | undefined,
  ): Promise<Workspace> {
    const root = await this.root();
    // Taken before the copy: data/ changing during it gives a newer fingerprint, and a copy made again.
    const base = await fingerprint([this.dataDir]);
    const dir = await mkdtemp(path.join(root, 'espace-'));
    const uploadsDir = `${dir}.depot`;
    try {
      await mkdir(uploadsDir);
      for (const f of named) await writeFile(path.join(uploadsDir, f.name), f.bytes);
      // Both kinds start from a copy of data/ (its dispositif.yaml, CSV files and logo), as
      // `alses validate --classeur` and `alses import` read a workbook over the data folder.
      await cp(this.dataDir, dir, { recursive: true }).catch(() => undefined);
      if (yaml) await writeFile(path.join(dir, YAML_NAME), yaml.bytes);
      let source: DataSource;
      let label: string;
      if (workbooks.length === 1) {
        const wb = workbooks[0]!;
        await writeFile(path.join(dir, wb.name), wb.bytes);
        source = { path: dir, classeur: path.join(dir, wb.name), hiddenRoot: dir, hiddenRootName: this.dataDir };
        label = `classeur « ${wb.name} » (les feuilles absentes viennent de data/)`;
      } else {
        const places = await this.tablePlaces(dir);
        for (const csv of csvs) {
          const target = places.get(csv.name.toLowerCase());
          if (!target)
            throw new UploadError(
              `Le fichier « ${csv.name} » ne correspond à aucun état ni déploiement de dispositif.yaml (attendu : ${[...places.values()].map((p) => path.basename(p)).join(', ') || 'un fichier nommé dans dispositif.yaml'}). ` +
                "Un fichier CSV remplace un état ou un déploiement déjà inscrit ; pour un nouvel état, téléchargez « Nouvel état : classeur de départ », corrigez-le et déposez-le (le nouveau déploiement s'y ajoute par les feuilles « Déploiements » et « Déploiement <id> »).",
            );
          try {
            await mkdir(path.dirname(target), { recursive: true });
            await writeFile(target, csv.bytes);
          } catch (err) {
            const place = path.relative(dir, target).split(path.sep).join('/');
            throw new UploadError(`Le fichier « ${csv.name} » ne peut pas être placé en « ${place} », chemin que lui donne dispositif.yaml : ${systemReason(err)} (attendu : un chemin de fichier CSV des données, ex. etats/2019-07-15.csv)`);
          }
        }
        source = { path: dir, hiddenRoot: dir, hiddenRootName: this.dataDir };
        label = `fichiers ${named.map((f) => `« ${f.name} »`).join(', ')} (le reste vient de data/)`;
      }
      return { id, dir, source, label, uploads: { dir: uploadsDir, names: [...new Set(named.map((f) => f.name))] }, base, lastUsed: Date.now() };
    } catch (err) {
      await this.removeFolders({ dir, uploads: { dir: uploadsDir } });
      throw err;
    }
  }

  /** Removes a workspace's folder and its uploaded files. */
  private async removeFolders(ws: { readonly dir: string; readonly uploads: { readonly dir: string } }): Promise<void> {
    await rm(ws.dir, { recursive: true, force: true });
    await rm(ws.uploads.dir, { recursive: true, force: true });
  }

  /** The workspace's dispositif.yaml, parsed; undefined when unreadable (the loader reports it). */
  private async readYaml(dir: string): Promise<WorkspaceYaml | undefined> {
    try {
      return (parseYaml(await readFile(path.join(dir, YAML_NAME), 'utf8')) as WorkspaceYaml | null) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** Where each état and déploiement file named by the folder's dispositif.yaml goes, by lower-case base name. */
  private async tablePlaces(dir: string): Promise<Map<string, string>> {
    const places = new Map<string, string>();
    const doc = await this.readYaml(dir);
    for (const entry of [...(Array.isArray(doc?.etats) ? doc.etats : []), ...(Array.isArray(doc?.deploiements) ? doc.deploiements : [])]) {
      if (typeof entry?.fichier !== 'string') continue;
      const target = path.resolve(dir, entry.fichier);
      if (target.startsWith(dir + path.sep)) places.set(path.basename(target).toLowerCase(), target);
    }
    return places;
  }

  /** Removes the workspace of a session (its folder too). */
  async drop(id: string): Promise<void> {
    const ws = this.#byId.get(id);
    if (!ws) return;
    this.#byId.delete(id);
    await this.removeFolders(ws);
  }

  /** Removes every workspace and their root folder. */
  async close(): Promise<void> {
    this.#byId.clear();
    const root = await this.#root?.catch(() => undefined);
    this.#root = undefined;
    if (root) await rm(root, { recursive: true, force: true });
  }

  private root(): Promise<string> {
    this.#root ??= (async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), ROOT_PREFIX));
      // Names its owner, for the next server to remove it if this one is killed (`sweepAbandonedWorkspaces`).
      await writeFile(path.join(root, OWNER_FILE), JSON.stringify({ pid: process.pid, host: os.hostname() }));
      return root;
    })().catch((err: unknown) => {
      this.#root = undefined;
      throw err;
    });
    return this.#root;
  }

  private async evict(): Promise<void> {
    const list = [...this.#byId.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const ws of list.slice(0, Math.max(0, list.length - this.max))) await this.drop(ws.id);
  }
}
