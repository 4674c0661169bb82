/**
 * What the lock (lock.ts) and the publication (transaction.ts) of this process share: whether a
 * stop was asked for (SIGTERM), which phase a publication is in, and whether a lock held by this
 * thread was lost.
 */

/** Phase of this thread's publication: `preparing` (nothing replaced yet), `committing` (journal written). */
export type PublishPhase = 'idle' | 'preparing' | 'committing';

/** Why a run asked to stop (SIGTERM) wrote nothing in `root`, in French. */
export const stopMessage = (signal: NodeJS.Signals, root: string): string => `Arrêt demandé (${signal}) avant la publication dans « ${root} » : rien n'est remplacé.`;

/** Mutable state of this thread's run. */
export const runState: { stopRequested: NodeJS.Signals | undefined; phase: PublishPhase } = { stopRequested: undefined, phase: 'idle' };

const lost = new Map<string, () => string | undefined>();

/**
 * Registers the lock held on `dir` (an absolute path): `problem` says, in French, why the lock
 * was lost, or undefined while it is held.
 */
export function registerHeldLock(dir: string, problem: () => string | undefined): () => void {
  lost.set(dir, problem);
  return () => {
    if (lost.get(dir) === problem) lost.delete(dir);
  };
}

/** Why the lock this thread holds on `dir` was lost (French), or undefined (held, or no lock taken here). */
export const lockProblem = (dir: string): string | undefined => lost.get(dir)?.();
