/**
 * Reach into yargs 18 (internal `getInternalMethods().getUsageInstance().cacheHelpMessage`):
 * after starting a command, yargs builds and keeps the command's whole help text, so that a
 * later `showHelp()` while an async handler runs shows that command's help (upstream:
 * yargs/yargs#1865 made it unconditional, for yargs/yargs#1853). The command line never shows
 * help after a command has started (`fail` throws, `showHelpOnFail` is not used), yet building
 * it (cliui columns, string widths) was some 10-15 ms of every cold command even unwrapped.
 * Made a no-op when `--help` is not asked, as the Angular CLI does (angular/angular-cli#34087).
 * A help asked for is built as usual (`--help` never reaches a handler). Pinned by
 * test/cli-help-cache.test.ts.
 */
import type { Argv } from 'yargs';

/** The usage object of a yargs instance (internal), as far as reached. */
interface YargsUsage {
  cacheHelpMessage(): void;
  hasCachedHelpMessage(): boolean;
}

/** The usage object of `y` (internal). @throws Error when yargs no longer has it (a yargs upgrade). */
export function usageOf(y: Argv): YargsUsage {
  const internal = (y as unknown as { getInternalMethods?: () => { getUsageInstance?: () => YargsUsage } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (!usage || typeof usage.cacheHelpMessage !== 'function' || typeof usage.hasCachedHelpMessage !== 'function') {
    throw new Error('yargs: getInternalMethods().getUsageInstance().cacheHelpMessage missing (yargs upgrade?)');
  }
  return usage;
}

/**
 * Stops `y` from building the help text of the command it starts (see the file's comment).
 * @throws Error as `usageOf`.
 */
export function skipHelpCache(y: Argv): void {
  usageOf(y).cacheHelpMessage = () => undefined;
}
