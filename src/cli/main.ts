/**
 * Entry point of the `alses` command line (yargs, help and messages in French).
 * Exit codes: 0 success, 1 invalid data or template, 2 usage error, 3 rendering/output failure,
 * 4 output folder locked by another monthly run.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { AlsesError, EXIT_CODES } from '../errors.ts';
import { clesCommand } from './commands/cles.ts';
import { deliberationCommand } from './commands/deliberation.ts';
import { deploiementCommand } from './commands/deploiement.ts';
import { documentCommand } from './commands/document.ts';
import { etatCommand } from './commands/etat.ts';
import { importCommand } from './commands/import.ts';
import { logMonthlyUsageError, monthlyCommand } from './commands/monthly.ts';
import { opendataCommand } from './commands/opendata.ts';
import { renderCommand } from './commands/render.ts';
import { signerCommand } from './commands/signer.ts';
import { serveCommand } from './commands/serve.ts';
import { templatesCommand } from './commands/templates.ts';
import { validateCommand } from './commands/validate.ts';
import { verifyCommand } from './commands/verify.ts';

/**
 * Runs the CLI on `argv` (without node and script). Sets `process.exitCode`; never calls
 * `process.exit` itself, so output is flushed and tests can run it in-process.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await parser(argv).parseAsync();
  } catch (err) {
    if (!(err instanceof AlsesError && err.code === 'USAGE')) throw err;
    process.stderr.write(`alses : ${err.message}\nVoir « alses --help ».\n`);
    process.exitCode = EXIT_CODES.USAGE;
    if (argv[0] === 'monthly') await logMonthlyUsageError(argv, err.message);
  }
}

/** The yargs parser with every command. */
function parser(argv: string[]) {
  return yargs(argv)
    .exitProcess(false)
    .scriptName('alses')
    .locale('fr')
    .usage('alses <commande> [options]\n\nProduit les annexes de délibérations et les rapports du dispositif ALSES à partir des données de data/.')
    .command(validateCommand)
    .command(renderCommand)
    .command(templatesCommand)
    .command(monthlyCommand)
    .command(importCommand)
    .command(verifyCommand)
    .command(etatCommand)
    .command(deliberationCommand)
    .command(deploiementCommand)
    .command(documentCommand)
    .command(serveCommand)
    .command(signerCommand)
    .command(clesCommand)
    .command(opendataCommand)
    .demandCommand(1, 'Indiquez une commande : validate, render, templates, monthly, verify, import, etat, deliberation, deploiement, document, serve, signer, cles ou opendata.')
    .strict()
    .recommendCommands()
    .help('help')
    .alias('help', 'h')
    .version()
    .alias('version', 'V')
    .epilogue('Codes de sortie : 0 succès, 1 données ou modèle invalides, 2 erreur d\'utilisation, 3 échec de production ou d\'écriture, 4 une autre production écrit déjà dans le dossier de sortie, 5 rapport mensuel écrit mais non envoyé, 6 rapport mensuel écrit sur des données anciennes.')
    .fail((msg, err) => {
      // yargs wraps errors thrown by `coerce` in a YError: those are usage errors too. Throwing
      // stops yargs before any command handler runs.
      if (err && !(err instanceof AlsesError && err.code === 'USAGE') && err.name !== 'YError') throw err;
      throw new AlsesError('USAGE', err?.message ?? msg);
    });
}

/** Runs the CLI on the process's arguments; an unexpected error is exit code 3. */
export async function run(): Promise<void> {
  // Output piped into a command that stops reading (`alses templates | head`): stop quietly.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  await main(hideBin(process.argv)).catch((err: unknown) => {
    process.stderr.write(`alses : erreur inattendue : ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_CODES.OUTPUT;
  });
}
