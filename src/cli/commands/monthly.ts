/**
 * `alses monthly [--month YYYY-MM]`: the monthly report, for a scheduler. Prints one JSON log line
 * per run on stderr (or appends it to `--log`). Exit codes: 0 written or unchanged, 1 invalid
 * data, 2 usage, 3 render/output failure, 4 locked by another run.
 */
import { appendFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import { AlsesError, EXIT_CODES } from '../../errors.ts';
import { defaultMonth, lastDayOfMonth } from '../../reports/mensuel.ts';
import { runMonthly, type MonthlyLog } from '../../reports/monthly-job.ts';
import { FORMATS, type Format } from '../../reports/pipeline.ts';
import { printDiagnostics, reportFailure, withDataOptions, type DataOptions } from '../shared.ts';

interface MonthlyArgs extends DataOptions {
  month?: string;
  out: string;
  wait: number;
  log?: string;
}

const STATUS_BY_CODE: Record<number, MonthlyLog['status']> = { 1: 'invalid', 2: 'usage', 3: 'failed', 4: 'locked' };

/** The `monthly` command. */
export const monthlyCommand: CommandModule<object, MonthlyArgs> = {
  command: 'monthly',
  describe: 'Produire le rapport mensuel (PDF, DOCX, HTML) ; pour une tâche planifiée',
  builder: (y) =>
    withDataOptions(y)
      .option('month', { type: 'string', describe: 'Mois du rapport, AAAA-MM (par défaut : le mois précédent, heure de Paris)' })
      .option('out', { type: 'string', default: 'out', describe: 'Dossier de sortie', normalize: true })
      .option('wait', { type: 'number', default: 0, describe: 'Secondes d\'attente si une autre production est en cours (0 : abandon immédiat, code 4)' })
      .option('log', { type: 'string', describe: 'Fichier où ajouter la ligne de journal JSON (par défaut : sortie d\'erreur)', normalize: true }),
  handler: async (args) => {
    const started = process.hrtime.bigint();
    const month = args.month ?? defaultMonth();
    let log: Omit<MonthlyLog, 'time' | 'durationMs'>;
    try {
      lastDayOfMonth(month);
      const result = await runMonthly({ dataDir: args.data, templatesDir: args.templates, outDir: args.out, month, formats: FORMATS as readonly Format[], waitMs: Math.max(0, args.wait) * 1000 });
      printDiagnostics(result.diagnostics);
      for (const o of result.outputs) process.stdout.write(`${o.status === 'written' ? 'écrit' : 'inchangé'} : ${o.path}\n`);
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
    const line: MonthlyLog = { time: new Date().toISOString(), ...log, durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n) };
    const json = JSON.stringify(line) + '\n';
    if (args.log) await appendFile(args.log, json).catch(() => process.stderr.write(json));
    else process.stderr.write(json);
    if (process.exitCode === undefined) process.exitCode = EXIT_CODES.OUTPUT;
  },
};
