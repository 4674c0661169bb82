/**
 * The font subsets made by `npm run build` (dist/font-subsets/, scripts/build-font-subsets.ts)
 * are those HarfBuzz makes at run time, byte for byte, and `subsetFace` reads them: a DOCX and a
 * page keep their bytes whether the subset was built or made. Needs `npm run build`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontBytes } from '../src/fonts.ts';
import { makeSubset, PREBUILT_CHARACTERS, PREBUILT_SUBSETS, subsetFace, subsetKey } from '../src/writers/font-subset.ts';

describe('prebuilt font subsets', () => {
  it.each([
    ['bold', 'truetype', PREBUILT_CHARACTERS.truetype[0]!],
    ['normal', 'woff2', PREBUILT_CHARACTERS.woff2[1]!],
  ] as const)('%s face, %s: the built file is the subset HarfBuzz makes now', async (face, format, characters) => {
    const font = fontBytes()[face];
    const file = path.join(PREBUILT_SUBSETS, subsetKey(font, characters, format));
    expect(existsSync(file), `${file} (npm run build)`).toBe(true);
    const made = await makeSubset(font, characters, format);
    expect(made.byteLength).toBeGreaterThan(1000);
    expect(Buffer.from(await subsetFace(font, characters, format)).equals(Buffer.from(made))).toBe(true);
  });

  it('other characters, another font or format have another name (never a wrong subset)', () => {
    const { normal, bold } = fontBytes();
    const characters = PREBUILT_CHARACTERS.truetype[0]!;
    const key = subsetKey(normal, characters, 'truetype');
    expect(key).toMatch(/^[0-9a-f]{64}\.ttf$/);
    expect(subsetKey(normal, `${characters}→`, 'truetype')).not.toBe(key);
    expect(subsetKey(bold, characters, 'truetype')).not.toBe(key);
    expect(subsetKey(normal, characters, 'woff2')).toMatch(/\.woff2$/);
  });
});
