/**
 * `reportFailure` (src/cli/shared.ts): the French message and exit code of an error a command did
 * not expect. V8's limits, reached by a template that multiplies its output (hostile trial:
 * « Maximum call stack size exceeded »), are said in French.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportFailure } from '../src/cli/shared.ts';

afterEach(() => vi.restoreAllMocks());

/** What `reportFailure` prints on stderr for `err`, and its exit code. */
function failure(err: unknown): { code: number; stderr: string } {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = reportFailure(err);
  vi.restoreAllMocks();
  return { code, stderr };
}

describe('reportFailure', () => {
  it('says V8\'s call stack and string limits in French (exit 3)', () => {
    for (const message of ['Maximum call stack size exceeded', 'Invalid string length']) {
      const { code, stderr } = failure(new RangeError(message));
      expect(code).toBe(3);
      expect(stderr).toMatch(/^alses : échec de la production des documents : document trop grand ou trop imbriqué pour être produit \((pile d'appels épuisée|texte ou tableau au-delà de la taille que Node\.js sait tenir)\) ; rien n'est remplacé \(attendu : un modèle qui ne répète pas une longue liste dans une autre/);
      expect(stderr).not.toContain(message);
    }
  });

  it('gives any other unexpected error as it is (a fault of the product, exit 3)', () => {
    expect(failure(new TypeError('x is not a function'))).toEqual({ code: 3, stderr: 'alses : échec de la production des documents : x is not a function\n' });
  });
});
