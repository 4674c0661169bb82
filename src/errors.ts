/**
 * Typed errors of the product. The CLI maps each `code` to an exit code in one table
 * (`EXIT_CODES`); messages are in French and quote the offending value and place.
 */
import type { Diagnostic } from './diagnostics.ts';

/** Error codes and the process exit code each maps to (DESIGN.md, "Command line"). */
export const EXIT_CODES = {
  /** Invalid data or template. */
  INVALID_INPUT: 1,
  /** Bad command-line usage. */
  USAGE: 2,
  /** Rendering or writing output failed. */
  OUTPUT: 3,
  /** Another run holds the lock on the output folder (monthly job). */
  LOCKED: 4,
  /** The report was written but could not be e-mailed (monthly job, issue 15); the next run sends it. */
  MAIL: 5,
  /** The report was written, but the newest état or déploiement is older than the threshold (monthly job): the data needs updating. */
  STALE: 6,
} as const;
/** Code of an `AlsesError`. */
export type ErrorCode = keyof typeof EXIT_CODES;

/** An error the product expects and reports in French, with the diagnostics behind it. */
export class AlsesError extends Error {
  override readonly name = 'AlsesError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

/**
 * An error explained by one diagnostic (its rule, place, value and expectation); the error's
 * message is the diagnostic's, so that callers that collect diagnostics lose nothing.
 */
export function diagnosticError(code: ErrorCode, diagnostic: Diagnostic): AlsesError {
  return new AlsesError(code, diagnostic.message, [diagnostic]);
}

/** Invalid data or template: carries every diagnostic found (exit code 1). */
export class InvalidInputError extends AlsesError {
  constructor(message: string, diagnostics: readonly Diagnostic[]) {
    super('INVALID_INPUT', message, diagnostics);
  }
}
