/**
 * src/patches/native-inflate.ts: unicode-trie inflates the Unicode tables of fontkit,
 * unicode-properties and linebreak with zlib instead of tiny-inflate (issue 11), to the same
 * bytes. This file runs in a process of its own (vitest's forks pool), where none is loaded yet.
 */
import { createRequire } from 'node:module';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateNatively, inflateRaw } from '../src/patches/native-inflate.ts';

const require = createRequire(import.meta.url);
const tinyInflate = require('tiny-inflate') as (source: Uint8Array, dest: Uint8Array) => Uint8Array;
const fromFontkit = createRequire(require.resolve('fontkit'));

describe('Unicode tables inflated by zlib', () => {
  it('inflateRaw decodes as tiny-inflate: into a buffer of the exact size, or a larger one', () => {
    const data = Buffer.from('Acteurs de Liaison Sociale en Environnement Scolaire, collège, ETP 0,5 ; '.repeat(300));
    const stream = deflateRawSync(data);
    for (const size of [data.length, data.length + 1000]) {
      const ours = inflateRaw(stream, new Uint8Array(size));
      const theirs = tinyInflate(stream, new Uint8Array(size));
      expect(ours.length).toBe(data.length);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      expect(Buffer.from(ours).equals(data)).toBe(true);
    }
  });

  it('unicode-trie no longer calls tiny-inflate, and the tables read the same', () => {
    inflateNatively();
    let calls = 0;
    const cached = require.cache[require.resolve('tiny-inflate')];
    expect(cached).toBeDefined();
    // Counted through Node's cache: unicode-trie would require this very module.
    const counting = (source: Uint8Array, dest: Uint8Array) => (calls++, tinyInflate(source, dest));
    cached!.exports = counting;
    try {
      const unicode = fromFontkit('unicode-properties') as { getCategory(c: number): string; getScript(c: number): string; isAlphabetic(c: number): boolean };
      const LineBreaker = createRequire(require.resolve('linebreak'))('linebreak') as unknown as new (s: string) => { nextBreak(): { position: number } | null };
      expect(calls).toBe(0);
      expect([unicode.getCategory(0xe9), unicode.getScript(0xe9), unicode.getCategory(0x202f), unicode.isAlphabetic(0x2019)]).toEqual(['Ll', 'Latin', 'Zs', false]);
      // "12 345 ETP" with a thin no-break space (U+202F): no break inside the number.
      const breaker = new LineBreaker('ALSES en collège : 12\u202f345 ETP, Bouée des jeunes');
      const breaks: number[] = [];
      for (let b = breaker.nextBreak(); b; b = breaker.nextBreak()) breaks.push(b.position);
      expect(breaks).toEqual([6, 9, 19, 26, 31, 37, 41, 47]);
    } finally {
      cached!.exports = tinyInflate;
    }
  });
});
