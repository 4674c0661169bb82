/**
 * What `alses import` and the web page show of a changed état (src/dataset/csv-diff.ts): an
 * empty cell given a value reads « (vide) », not empty guillemets (trial finding: « UAI «  » → « 0590001F » »).
 */
import { describe, expect, it } from 'vitest';
import { describeDiff, diffCsv } from '../src/dataset/csv-diff.ts';

describe('describeDiff', () => {
  it('names an empty cell « (vide) », either side of the arrow', () => {
    const before = new TextEncoder().encode('Commune;Collège;UAI;Structure porteuse;ETP\nANZIN;Jules Ferry;;CAPEP;1\nDOUAI;Gayant;0590002G;AEP;1\n');
    const after = 'Commune;Collège;UAI;Structure porteuse;ETP\nANZIN;Jules Ferry;0590001F;CAPEP;1\nDOUAI;Gayant;;AEP;0,5\n';
    const diff = diffCsv(before, after, 'etat');
    expect(diff).toBeDefined();
    expect(describeDiff(diff!)).toEqual(['  ~ ANZIN — Jules Ferry : UAI (vide) → « 0590001F »', '  ~ DOUAI — Gayant : ETP « 1 » → « 0,5 », UAI « 0590002G » → (vide)']);
  });
});
