/**
 * Entry point of the `alses` command line (yargs, help and messages in French).
 * Exit codes: 0 success, 1 invalid data or template, 2 usage error, 3 rendering/output failure,
 * 4 output folder locked by another monthly run.
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { AlsesError, EXIT_CODES } from '../errors.ts';
import { COMMANDS, loadNamedCommands, type CommandName } from './commands/index.ts';
import { skipHelpCache } from './patches/help-cache.ts';
import { withDeferredSegmenters } from './patches/segmenter.ts';

/**
 * Runs the CLI on `argv` (without node and script). Sets `process.exitCode`; never calls
 * `process.exit` itself, so output is flushed and tests can run it in-process.
 */
export async function main(argv: string[]): Promise<void> {
  // `alses --version` alone, as an install script checks it: printed without loading yargs.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  try {
    // yargs' help layout makes its Intl.Segmenters when first used (patches/segmenter.ts).
    const { default: yargs } = await withDeferredSegmenters(() => import('yargs'));
    const y = parser(yargs(argv), await loadNamedCommands(argv));
    // yargs builds the whole help text after starting a command (to show it on a later failure,
    // which `fail` below never does), wrapped to the terminal's width word by word: some 30 ms
    // of a cold start; unwrapped, still 10-15 ms (cliui columns). So it is not built at all
    // (patches/help-cache.ts) unless help is asked for, and then it is wrapped.
    if (!argv.some((a) => a === '--help' || a === '-h')) {
      y.wrap(null);
      skipHelpCache(y);
    }
    await y.parseAsync();
  } catch (err) {
    if (!(err instanceof AlsesError && err.code === 'USAGE')) throw err;
    process.stderr.write(`alses : ${err.message}\nVoir « alses --help ».\n`);
    process.exitCode = EXIT_CODES.USAGE;
    if (argv[0] === 'monthly') await (await import('./commands/monthly.ts')).logMonthlyUsageError(argv, err.message);
  }
}

/**
 * The yargs parser with every command: the loaded modules of the commands named in `argv`, and for
 * the others only their usage and summary (for the help), so their modules are never loaded.
 */
function parser(y: Argv, loaded: ReadonlyMap<CommandName, CommandModule<object, unknown>>) {
  for (const name of Object.keys(COMMANDS) as CommandName[])
    y.command(loaded.get(name) ?? { command: COMMANDS[name].command, describe: COMMANDS[name].describe, handler: () => undefined });
  return y
    .exitProcess(false)
    .scriptName('alses')
    .locale('fr')
    .usage('alses <commande> [options]\n\nProduit les annexes de délibérations et les rapports du dispositif ALSES à partir des données de data/.')
    .demandCommand(1, 'Indiquez une commande : validate, render, templates, monthly, verify, import, etat, deliberation, deploiement, document, serve, signer, cles ou opendata.')
    .strict()
    .recommendCommands()
    .help('help')
    .alias('help', 'h')
    .version(packageVersion())
    .alias('version', 'V')
    .epilogue('Codes de sortie : 0 succès, 1 données ou modèle invalides, 2 erreur d\'utilisation, 3 échec de production ou d\'écriture, 4 une autre production écrit déjà dans le dossier de sortie, 5 rapport mensuel écrit mais non envoyé, 6 rapport mensuel écrit sur des données anciennes.')
    .fail((msg, err) => {
      // yargs wraps errors thrown by `coerce` in a YError: those are usage errors too. Throwing
      // stops yargs before any command handler runs.
      if (err && !(err instanceof AlsesError && err.code === 'USAGE') && err.name !== 'YError') throw err;
      throw new AlsesError('USAGE', err?.message ?? msg);
    });
}

/** The version in package.json (two folders up from src/cli and dist/app alike). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Runs the CLI on the process's arguments; an unexpected error is exit code 3. */
export async function run(): Promise<void> {
  // Output piped into a command that stops reading (`alses templates | head`): stop quietly.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  await main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`alses : erreur inattendue : ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_CODES.OUTPUT;
  });
}
