/**
 * The help text yargs builds after starting a command, not built (src/cli/patches/help-cache.ts),
 * and the Intl.Segmenters its help layout makes when it loads, made at their first use
 * (src/cli/patches/segmenter.ts): pins both, and that help asked for is still printed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { main } from '../src/cli/main.ts';
import { skipHelpCache, usageOf } from '../src/cli/patches/help-cache.ts';
import { withDeferredSegmenters } from '../src/cli/patches/segmenter.ts';

const parser = (ran: string[]) =>
  yargs(['essai', '--nom', 'collège'])
    .exitProcess(false)
    .command('essai', 'Essai', (y) => y.option('nom', { type: 'string' }), (argv) => void ran.push(String(argv.nom)));

describe('help not built after a command starts', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs the command without building its help (yargs builds it otherwise)', async () => {
    const ran: string[] = [];
    const plain = parser(ran);
    await plain.parseAsync();
    expect(usageOf(plain).hasCachedHelpMessage()).toBe(true);

    const skipped = parser(ran);
    skipHelpCache(skipped);
    await skipped.parseAsync();
    expect(usageOf(skipped).hasCachedHelpMessage()).toBe(false);
    expect(ran).toEqual(['collège', 'collège']);
  });

  it('still prints the help asked for (alses render --help)', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' ')));
    await main(['render', '--help']);
    expect(out.join('')).toContain('Produire les documents');
    expect(out.join('')).toContain('--out');
  });

  it('makes the segmenters created while yargs loads at their first use, with the same arguments', async () => {
    const Real = Intl.Segmenter;
    let made = 0;
    const Counting = class extends Real {
      constructor(...args: ConstructorParameters<typeof Intl.Segmenter>) {
        super(...args);
        made++;
      }
    };
    (Intl as { Segmenter: unknown }).Segmenter = Counting;
    try {
      const segmenter = await withDeferredSegmenters(async () => new Intl.Segmenter('fr', { granularity: 'word' }));
      expect(made).toBe(0);
      expect(Intl.Segmenter).toBe(Counting); // put back
      const words = [...segmenter.segment('Collège de Lille')].map((s) => s.segment);
      expect(made).toBe(1);
      expect(words).toEqual([...new Real('fr', { granularity: 'word' }).segment('Collège de Lille')].map((s) => s.segment));
      expect(segmenter.resolvedOptions().granularity).toBe('word');
    } finally {
      (Intl as { Segmenter: unknown }).Segmenter = Real;
    }
  });
});
