import { describe, expect, it } from 'vitest';
import { formatDate, formatMonth, parseIsoDate } from '../src/dates.ts';
import { formatEtp, frenchSpacing, formatNumber, formatPercent } from '../src/format.ts';
import { joinFrench } from '../src/templates/helpers.ts';
import { sumEtp } from '../src/dataset/etp.ts';

describe('French formatting', () => {
  it('formats ETP and numbers with a decimal comma and U+202F thousands', () => {
    expect(formatEtp(0.5)).toBe('0,5');
    expect(formatEtp(41)).toBe('41');
    expect(formatEtp(40.5)).toBe('40,5');
    expect(formatNumber(1234)).toBe('1\u202f234');
    expect(formatPercent(0.5)).toBe('50\u00a0%');
  });
  it('formats dates as "1er juillet 2019" and months as "juillet 2019" with no-break spaces', () => {
    expect(formatDate('2019-07-01')).toBe('1er\u00a0juillet\u00a02019');
    expect(formatDate('2019-07-15')).toBe('15\u00a0juillet\u00a02019');
    expect(formatDate('2015-12-17')).toBe('17\u00a0décembre\u00a02015');
    expect(formatMonth('2019-08')).toBe('août\u00a02019');
  });
  it('puts no-break spaces before : ; ? ! and inside « » (French typography)', () => {
    expect(frenchSpacing('en matière de : a ; b ? c ! « d »')).toBe('en matière de\u00a0: a\u202f; b\u202f? c\u202f! «\u00a0d\u00a0»');
    expect(frenchSpacing('10:30 REP + 1')).toBe('10:30 REP + 1');
  });
  it('rejects impossible dates with a French message', () => {
    expect(() => parseIsoDate('2019-02-30')).toThrow('Date « 2019-02-30 » invalide');
    expect(() => parseIsoDate('15/07/2019')).toThrow('attendu : date AAAA-MM-JJ');
  });
  it('sums decimals without binary noise and joins words', () => {
    expect(sumEtp([0.1, 0.2])).toBe(0.3);
    expect(sumEtp(Array(82).fill(0.5))).toBe(41);
    expect(joinFrench(['a', 'b', 'c'])).toBe('a, b et c');
  });
});
