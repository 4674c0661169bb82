/**
 * Draws the sample logo of the data folder (`data/logo.png`): a blue rectangle with the letters
 * "NORD" and "Département" in white, Source Sans 3 Bold, opaque RGB (PDF/A-1 allows no
 * transparency). Run once: `npx tsx scripts/make-logo.ts`; the file is committed.
 */
import { Resvg } from '@resvg/resvg-js';
import { writeFileSync } from 'node:fs';
import { FONT_PATHS } from '../src/fonts.ts';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="96" viewBox="0 0 240 96">
<rect width="240" height="96" fill="#1f4e9c"/>
<text x="120" y="56" font-family="Source Sans 3" font-weight="700" font-size="48" fill="#ffffff" text-anchor="middle">NORD</text>
<text x="120" y="84" font-family="Source Sans 3" font-weight="700" font-size="20" fill="#ffffff" text-anchor="middle">Département</text>
</svg>`;
const png = new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: false, fontFiles: [FONT_PATHS.bold], defaultFontFamily: 'Source Sans 3' } }).render().asPng();
writeFileSync(new URL('../data/logo.png', import.meta.url), png);
