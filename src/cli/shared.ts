/**
 * What the commands share: common options, printing diagnostics in French, mapping errors to
 * exit codes (one table: `EXIT_CODES` in src/errors.ts).
 */
import path from 'node:path';
import type { Argv, CommandModule, Options } from 'yargs';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { AlsesError, EXIT_CODES } from '../errors.ts';
import { usage, type CommandName } from './commands/index.ts';

/** Options every command that reads data takes. */
export interface DataOptions {
  data: string;
  templates: string;
}

/** Adds `--data` and `--templates` (folders, defaults `data` and `templates`). */
export function withDataOptions<T>(yargs: Argv<T>): Argv<T & DataOptions> {
  return yargs
    .strict()
    .option('data', { type: 'string', requiresArg: true, default: 'data', describe: 'Données : dossier (dispositif.yaml et fichiers CSV) ou classeur .xlsx (dispositif.yaml à côté)', coerce: nonEmptyPath('data') })
    .option('templates', { type: 'string', requiresArg: true, default: 'templates', describe: 'Dossier des modèles (.hbs)', coerce: nonEmptyPath('templates') });
}

/** Longest `--wait`: one day. */
export const MAX_WAIT_SECONDS = 86_400;

/**
 * A path option's value: a non-empty path (an empty one, e.g. an unset shell variable in a cron
 * line, would silently mean the current folder).
 * @throws AlsesError USAGE on an empty value.
 */
export const nonEmptyPath =
  (option: string) =>
  (v: unknown): string => {
    const value = String(v ?? '');
    if (value.trim() === '') throw new AlsesError('USAGE', `Chemin vide pour --${option} (attendu : un dossier ou un fichier, ex. --${option} ${option === 'log' ? 'journal.jsonl' : option})`);
    return path.normalize(value);
  };

/** `--data` of the commands that edit `dispositif.yaml` (a folder, default `data`). */
export const dataDirOption = {
  type: 'string',
  default: 'data',
  requiresArg: true,
  describe: 'Dossier de données (dispositif.yaml)',
  coerce: nonEmptyPath('data'),
} as const;

/** A string option that must be given; `demand` tells how, in French (`Indiquez … : --date 2020-07-06`). */
export const requiredString = (describe: string, demand: string) => ({ type: 'string', demandOption: demand, requiresArg: true, describe }) as const;

/** A string option that may be left out. */
export const optionalString = (describe: string) => ({ type: 'string', requiresArg: true, describe }) as const;

/**
 * A `--wait <secondes>` option: a number ≥ 0 (a usage error otherwise, exit code 2).
 */
export function waitOption(defaultSeconds: number, describe: string) {
  return {
    type: 'string' as const,
    default: String(defaultSeconds),
    describe,
    requiresArg: true,
    coerce: (v: unknown): number => {
      // yargs gives an option given twice as a list: say so, not « 600,0 ».
      if (Array.isArray(v)) throw new AlsesError('USAGE', `--wait donné ${v.length} fois (${v.join(', ')}) : attendu une seule fois, ex. --wait 600`);
      const n = Number(v);
      if (String(v).trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_WAIT_SECONDS)
        throw new AlsesError('USAGE', `Attente « ${String(v)} » invalide (attendu : un nombre de secondes entre 0 et ${MAX_WAIT_SECONDS}, ex. --wait 600)`);
      return n;
    },
  };
}

/** French plural of a count: "1 erreur", "2 erreurs". */
export const plural = (n: number, one: string, many: string): string => `${n} ${n >= 2 ? many : one}`;

/** Prints diagnostics (sorted by place) and a summary line on stderr. */
export function printDiagnostics(list: readonly Diagnostic[]): void {
  for (const d of sortDiagnostics(list)) process.stderr.write(formatDiagnostic(d) + '\n');
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  if (list.length) process.stderr.write(`${plural(errors, 'erreur', 'erreurs')}, ${plural(warnings, 'avertissement', 'avertissements')}\n`);
}

/**
 * Prints a job's diagnostics, then what happened to each file it wrote (`écrit : out/a.pdf`,
 * `inchangé : …`, `supprimé (périmé) : …` for another format of a document made from older data)
 * on stdout.
 * @param files the files, or `undefined` when errors stopped the job before writing anything.
 * @returns the exit code: 1 when errors stopped the job (nothing written), else 0.
 */
export function reportWrites(
  diagnostics: readonly Diagnostic[],
  files: readonly { path: string; status: 'written' | 'unchanged' | 'removed' }[] | undefined,
  options: { quiet?: boolean } = {},
): number {
  printDiagnostics(diagnostics);
  if (!files) {
    process.stderr.write('Aucun fichier écrit : corrigez les erreurs ci-dessus.\n');
    return 1;
  }
  const said = { written: 'écrit', unchanged: 'inchangé', removed: 'supprimé (périmé)' } as const;
  if (!options.quiet) for (const f of files) process.stdout.write(`${said[f.status]} : ${f.path}\n`);
  return 0;
}

/**
 * Exit code for an unexpected or typed error, after printing its French message. `waits`: the
 * command has a `--wait` option, named after a LOCKED message (the lock's message itself names
 * no option: the web page and the commands without `--wait` show it too).
 */
export function reportFailure(err: unknown, options: { waits?: boolean } = {}): number {
  if (err instanceof AlsesError) {
    if (err.diagnostics.length) printDiagnostics(err.diagnostics);
    process.stderr.write(`alses : ${err.message}\n`);
    if (err.code === 'LOCKED' && options.waits) process.stderr.write(`Pour attendre la fin de l'autre production, relancez avec --wait <secondes>.\n`);
    return EXIT_CODES[err.code];
  }
  const msg = err instanceof Error ? err.message : String(err);
  // V8's limits, reached by a template that multiplies its output (four nested {{#each}} over
  // a long list, hostile trial): said in French, not « Maximum call stack size exceeded ».
  const limit =
    err instanceof RangeError && /call stack/i.test(msg)
      ? 'pile d\'appels épuisée'
      : err instanceof RangeError && /string length|array length/i.test(msg)
        ? 'texte ou tableau au-delà de la taille que Node.js sait tenir'
        : undefined;
  process.stderr.write(
    limit
      ? `alses : échec de la production des documents : document trop grand ou trop imbriqué pour être produit (${limit}) ; rien n'est remplacé (attendu : un modèle qui ne répète pas une longue liste dans une autre, ex. sans {{#each}} imbriqués sur etat.rows)\n`
      : `alses : échec de la production des documents : ${msg}\n`,
  );
  return EXIT_CODES.OUTPUT;
}

/** Prints `écrit : <fichier>` on stdout for each file a command wrote. */
export function printWritten(files: readonly string[]): void {
  for (const f of files) process.stdout.write(`écrit : ${f}\n`);
}

/**
 * A sub-command that edits the data folder (`alses deliberation ajouter`, `document supprimer`…):
 * `--data` plus `options` (name → yargs option), and an action returning the files it wrote
 * (printed as « écrit : … »), then optionally what to do next. The job's module is loaded by
 * `action` itself, when it runs.
 */
export function editAction<A extends { data: string }>(
  command: string,
  describe: string,
  options: Readonly<Record<string, Options>>,
  action: (args: A) => Promise<{ readonly files: readonly string[]; readonly next?: string; readonly warnings?: readonly string[] }>,
): CommandModule<object, A> {
  return {
    command,
    describe,
    builder: (y) => Object.entries(options).reduce((acc, [name, option]) => acc.option(name, option), y.option('data', dataDirOption)) as never,
    handler: (args) =>
      runAction(async () => {
        const { files, next, warnings } = await action(args as unknown as A);
        printWritten(files);
        for (const w of warnings ?? []) process.stderr.write(`alses : avertissement : ${w}\n`);
        if (next) process.stdout.write(`${next}\n`);
      }),
  };
}

/**
 * Runs a command's action and sets the exit code: 0 when it returns, else the code of the error
 * it throws (printed in French by `reportFailure`).
 */
export async function runAction(action: () => Promise<void>): Promise<void> {
  try {
    await action();
    process.exitCode = 0;
  } catch (err) {
    process.exitCode = reportFailure(err);
  }
}

/**
 * A command whose actions are sub-commands, `ajouter` first (`alses deliberation ajouter …`,
 * `deploiement`, `document`): usage and summary from the command table.
 */
export function withAjouter<A>(name: CommandName, ajouter: CommandModule<object, A>, ...others: CommandModule<object, any>[]): CommandModule {
  const actions = [ajouter, ...others].map((c) => String(c.command));
  return {
    ...usage(name),
    builder: (y) => [ajouter, ...others].reduce((acc, c) => acc.command(c as CommandModule<object, A>), y).demandCommand(1, `Indiquez une action : ${actions.join(' ou ')}.`).strict(),
    handler: () => undefined,
  };
}
