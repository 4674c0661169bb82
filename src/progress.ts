/**
 * Progress of a long run (rows read, documents produced, files written), for a person watching a
 * terminal: the jobs report it here, and the command line shows it (`cli/progress.ts`) only when
 * its error output is a terminal. Without a sink (tests, the web server's workers, cron, a pipe),
 * every call does nothing.
 */

/** Where progress goes: one phase at a time. */
export interface ProgressSink {
  /**
   * A phase starts (ending the one before).
   * @param label what is being done, in French (« Lecture des données »)
   * @param total units the phase has (≥ 0)
   * @param unit the units, in French, plural (« fichiers »)
   */
  start(label: string, total: number, unit: string): void;
  /** `done` units (out of the phase's total) are done; `detail`, in French, says what is under way. */
  update(done: number, detail?: string): void;
  /** What is under way inside the current unit, in French (« annexe-liste.pdf : 40 % »). */
  detail(text: string): void;
  /** The phase ends. */
  stop(): void;
}

let sink: ProgressSink | undefined;

/** Sets (or, without argument, removes) where the progress of this process goes. */
export function setProgressSink(next?: ProgressSink): void {
  sink = next;
}

/** Reports progress to the sink of the process, if any (see `ProgressSink`). */
export const progress: ProgressSink = {
  start: (label, total, unit) => sink?.start(label, total, unit),
  update: (done, detail) => sink?.update(done, detail),
  detail: (text) => sink?.detail(text),
  stop: () => sink?.stop(),
};

/** `true` when progress is shown: callers skip work done only to report it. */
export const progressShown = (): boolean => sink !== undefined;

/**
 * Runs `work` as one phase of `total` units shown done all at once when it ends (a phase whose
 * steps the caller cannot see, such as publishing files as one transaction).
 * @returns what `work` returns; rethrows what it throws (the phase is ended either way).
 */
export async function progressPhase<T>(label: string, total: number, unit: string, work: () => Promise<T>): Promise<T> {
  progress.start(label, total, unit);
  try {
    const result = await work();
    progress.update(total);
    return result;
  } finally {
    progress.stop();
  }
}
