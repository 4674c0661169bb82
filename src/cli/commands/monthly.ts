/**
 * `alses monthly [--month YYYY-MM]`: the monthly report, for a scheduler. Prints one JSON log line
 * per run on stderr (or appends it to `--log`). Exit codes: 0 written or unchanged, 1 invalid
 * data, 2 usage, 3 render/output failure, 4 locked by another run.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { AlsesError, EXIT_CODES } from '../../errors.ts';
import { checkReportMonth, defaultMonth } from '../../reports/mensuel.ts';
import { systemReason } from '../../output.ts';
import { runMonthly, type MonthlyLog } from '../../reports/monthly-job.ts';
import { FORMATS, type Format } from '../../reports/pipeline.ts';
import { configuredManifestKey, signedManifestLine, withManifestKeyOption, type ManifestKeyArgs } from '../manifest-key.ts';
import { nonEmptyPath, printDiagnostics, reportFailure, waitOption, withDataOptions, type DataOptions } from '../shared.ts';

interface MonthlyArgs extends DataOptions, ManifestKeyArgs {
  month?: string;
  out: string;
  wait: number;
  log?: string;
}

const STATUS_BY_CODE: Record<number, MonthlyLog['status']> = { 1: 'invalid', 2: 'usage', 3: 'failed', 4: 'locked' };

/**
 * Writes the run's JSON log line: appended to `logFile` (its folder created if needed), or on
 * stderr. When the log file cannot be written, the line goes to stderr with a French warning, so
 * it is never lost silently.
 */
export async function writeMonthlyLog(line: MonthlyLog, logFile?: string): Promise<void> {
  const json = JSON.stringify(line) + '\n';
  if (!logFile) {
    process.stderr.write(json);
    return;
  }
  try {
    await mkdir(path.dirname(logFile), { recursive: true });
    await appendFile(logFile, json);
  } catch (err) {
    process.stderr.write(`alses : journal « ${logFile} » impossible à écrire (${systemReason(err)}) ; la ligne de journal suit.\n${json}`);
  }
}

/**
 * The log line of a monthly run that yargs refused before it started (usage error): the operator
 * still gets one line per run. `argv` is the raw command line (`monthly --month … --log …`).
 */
export async function logMonthlyUsageError(argv: readonly string[], message: string): Promise<void> {
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const a = argv[i]!;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
  };
  await writeMonthlyLog(
    { time: new Date().toISOString(), month: value('month') ?? '', status: 'usage', exitCode: EXIT_CODES.USAGE, outputs: [], error: message, durationMs: 0 },
    value('log'),
  );
}

/** The `monthly` command. */
export const monthlyCommand: CommandModule<object, MonthlyArgs> = {
  command: 'monthly',
  describe: 'Produire le rapport mensuel (PDF, DOCX, HTML) ; pour une tâche planifiée',
  builder: (y) =>
    withManifestKeyOption(withDataOptions(y))
      .option('month', { type: 'string', requiresArg: true, describe: 'Mois du rapport, AAAA-MM (par défaut : le mois précédent, heure de Paris)' })
      .option('out', { type: 'string', requiresArg: true, default: 'out', describe: 'Dossier de sortie', coerce: nonEmptyPath('out') })
      .option('wait', waitOption(0, 'Secondes d\'attente si une autre production est en cours (0 : abandon immédiat, code 4)'))
      .option('log', { type: 'string', requiresArg: true, describe: 'Fichier où ajouter la ligne de journal JSON (par défaut : sortie d\'erreur)', coerce: nonEmptyPath('log') }),
  handler: async (args) => {
    const started = process.hrtime.bigint();
    const month = args.month ?? defaultMonth();
    let log: Omit<MonthlyLog, 'time' | 'durationMs'>;
    try {
      checkReportMonth(month);
      const manifestKey = await configuredManifestKey(args.clePrivee, args.out);
      const result = await runMonthly({ dataDir: args.data, templatesDir: args.templates, outDir: args.out, month, formats: FORMATS as readonly Format[], waitMs: Math.max(0, args.wait) * 1000, ...(manifestKey ? { manifestKey } : {}) });
      printDiagnostics(result.diagnostics);
      for (const o of result.outputs) process.stdout.write(`${o.status === 'written' ? 'écrit' : 'inchangé'} : ${o.path}\n`);
      if (manifestKey) process.stdout.write(signedManifestLine(args.out));
      process.exitCode = 0;
      log = { month, status: result.status, exitCode: 0, outputs: result.outputs.map((o) => ({ path: o.path, sha256: o.sha256, status: o.status })) };
    } catch (err) {
      const code = reportFailure(err);
      process.exitCode = code;
      log = {
        month,
        status: STATUS_BY_CODE[code] ?? 'failed',
        exitCode: code,
        outputs: [],
        error: err instanceof AlsesError || err instanceof Error ? err.message : String(err),
      };
    }
    await writeMonthlyLog({ time: new Date().toISOString(), ...log, durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n) }, args.log);
    if (process.exitCode === undefined) process.exitCode = EXIT_CODES.OUTPUT;
  },
};
