/**
 * Progress bars of the command line (cli-progress), on the error output and only when it is a
 * terminal: never in a pipe, a log file or a cron mail. Labels in French.
 */
import type { ProgressSink } from '../progress.ts';
import { setProgressSink } from '../progress.ts';

/** Thousands as French writes them (10 000). */
const frNumber = new Intl.NumberFormat('fr-FR');

/**
 * Shows the progress of this process on `stream` when it is a terminal and `quiet` is false;
 * otherwise shows nothing (and loads nothing).
 * @returns a function that ends the bar under way (call it before printing the run's result).
 */
export async function showProgress(options: { readonly quiet?: boolean; readonly stream?: NodeJS.WriteStream } = {}): Promise<() => void> {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return () => undefined;
  const { default: cliProgress } = await import('cli-progress');
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  let detail = '';
  let sub = '';
  const payload = () => ({ detail: [detail, sub].filter(Boolean).join(' : ').replace(/^(.)/, ' · $1') });
  const sinkImpl: ProgressSink = {
    start(label, total, unit) {
      bar?.stop();
      detail = '';
      sub = '';
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label.padEnd(26)} {bar} {value}/{total} ${unit}{detail}`,
          formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? frNumber.format(v) : String(v)),
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          fps: 8,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, payload());
    },
    update(done, text) {
      detail = text ?? detail;
      sub = '';
      bar?.update(done, payload());
    },
    detail(text) {
      sub = text;
      bar?.update(payload());
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
  setProgressSink(sinkImpl);
  return () => {
    sinkImpl.stop();
    setProgressSink();
  };
}
