/**
 * Part of `npm run build`, after the TypeScript is compiled: makes the font subsets nearly every
 * document embeds (each face of Source Sans 3 × TrueType for the DOCX, WOFF2 for the HTML × the
 * sets of `PREBUILT_CHARACTERS`) into `dist/font-subsets/`, each named by `subsetKey`, so that a run
 * reads them instead of subsetting (dist/writers/font-subset.js). Same bytes as made at run time.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FONT_FACES, fontBytes } from '../dist/fonts.js';
import { makeSubset, PREBUILT_CHARACTERS, PREBUILT_SUBSETS, subsetKey } from '../dist/writers/font-subset.js';

rmSync(PREBUILT_SUBSETS, { recursive: true, force: true });
mkdirSync(PREBUILT_SUBSETS, { recursive: true });
const fonts = fontBytes();
await Promise.all(
  FONT_FACES.flatMap((face) =>
    Object.entries(PREBUILT_CHARACTERS).flatMap(([format, sets]) =>
      sets.map(async (characters) => {
        const font = fonts[face];
        writeFileSync(path.join(PREBUILT_SUBSETS, subsetKey(font, characters, format)), await makeSubset(font, characters, format));
      }),
    ),
  ),
);
