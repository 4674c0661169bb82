/**
 * Part of `npm run build` (scripts/build.mjs bundles it as `dist/app/build-font-subsets.js`, then runs
 * it): makes the font subsets nearly every document embeds (each face of Source Sans 3 ×
 * TrueType for the DOCX, WOFF2 for the HTML × the sets of `PREBUILT_CHARACTERS`) into
 * `dist/font-subsets/`, each named by `subsetKey`, so that a run reads them instead of subsetting
 * (src/writers/font-subset.ts). Same bytes as made at run time.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FONT_FACES, fontBytes } from '../src/fonts.ts';
import { makeSubset, PREBUILT_CHARACTERS, PREBUILT_SUBSETS, subsetKey, type SubsetFormat } from '../src/writers/font-subset.ts';

/** Writes every prebuilt subset (the folder emptied first). */
export async function buildFontSubsets(): Promise<void> {
  rmSync(PREBUILT_SUBSETS, { recursive: true, force: true });
  mkdirSync(PREBUILT_SUBSETS, { recursive: true });
  const fonts = fontBytes();
  await Promise.all(
    FONT_FACES.flatMap((face) =>
      (Object.entries(PREBUILT_CHARACTERS) as [SubsetFormat, readonly string[]][]).flatMap(([format, sets]) =>
        sets.map(async (characters) => {
          const font = fonts[face];
          writeFileSync(path.join(PREBUILT_SUBSETS, subsetKey(font, characters, format)), await makeSubset(font, characters, format));
        }),
      ),
    ),
  );
}
