/**
 * foldForComparison (src/dataset/text.ts): the comparison key of names, sigles and headers,
 * folded character by character from a table for Latin text, must stay the key its definition
 * gives (NFD, marks removed, lower case, œ/æ spelt out, all but letters, digits and "+" dropped).
 */
import { describe, expect, it } from 'vitest';
import { foldForComparison, foldText } from '../src/dataset/text.ts';


/** A reproducible pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('foldForComparison', () => {
  it('folds names as the rules say', () => {
    expect(foldForComparison('Séigné')).toBe(foldForComparison('SEIGNE'));
    expect(foldForComparison('REP +')).toBe('rep+');
    expect(foldForComparison('REP')).not.toBe(foldForComparison('REP+'));
    expect(foldForComparison("Villeneuve d'Ascq")).toBe(foldForComparison('VILLENEUVE D ASCQ'));
    expect(foldForComparison('Œuvre Lætitia')).toBe('oeuvrelaetitia');
    expect(foldForComparison('Collège 1234')).toBe('college1234');
    expect(foldForComparison('İzmir ǅemal')).toBe('izmirǆemal');
  });

  it('gives the key of its definition for every Latin character and for random texts, Latin or not', () => {
    for (let code = 0; code < 0x250; code++) {
      const s = `a${String.fromCharCode(code)}Z`;
      expect(foldForComparison(s), `U+${code.toString(16)}`).toBe(foldText(s));
    }
    const next = random(11);
    // Latin (the table), then up to Cyrillic with combining marks, Greek sigma and surrogates.
    const alphabets = [0x250, 0x500, 0x11000];
    for (const end of alphabets) {
      for (let i = 0; i < 20_000; i++) {
        let s = '';
        const length = Math.floor(next() * 12);
        for (let k = 0; k < length; k++) s += String.fromCodePoint(Math.floor(next() * end));
        if (foldForComparison(s) !== foldText(s)) expect(foldForComparison(s), JSON.stringify(s)).toBe(foldText(s));
      }
    }
  });
});
