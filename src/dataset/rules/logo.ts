/**
 * The collectivité's logo (`collectivite.logo` of dispositif.yaml): a PNG, JPEG or SVG file inside
 * the folder of dispositif.yaml, read once with the dataset so that every document's letterhead
 * shows the same picture. An SVG is rasterised here, once, to a PNG at `LOGO_BOX.dpi` for its
 * printed size: every format (PDF, DOCX, HTML) then shows the same opaque picture, and no SVG of
 * the data reaches a writer (PDF/A-1 forbids the transparency an SVG may hold).
 */
import path from 'node:path';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { displayPath } from '../../diagnostics.ts';
import { FONT_PATHS } from '../../fonts.ts';
import { LOGO_BOX, type Logo } from '../model.ts';
import { checkJpeg, checkPng, ImageProblem, imageKind, rasteriseSvg, type RasterImage } from '../read/image.ts';
import { quote } from '../text.ts';
import { insideFolder, readBytes } from './files.ts';

/** What a logo must be, for messages. */
const EXPECTED = 'une image PNG, JPEG ou SVG dans le dossier de données, ex. logo.png';

/** Width in pixels of an SVG logo rasterised at `LOGO_BOX.dpi` for its printed size. */
const svgPixelWidth = ({ width, height }: { width: number; height: number }): number =>
  (Math.min(LOGO_BOX.maxWidth, (LOGO_BOX.height * width) / height) * LOGO_BOX.dpi) / 72;

/**
 * Reads the logo `file`, relative to `dir` (the folder of the dispositif.yaml that names it).
 * @returns the logo, or undefined with an error placed at `place` (the `logo:` value): the path
 *   leaves the folder — `../`, absolute path, symbolic link leading out (`logo/outside`); the
 *   file is missing, unreadable or too large (`file/missing`, `file/unreadable`,
 *   `file/too-large`); it is not a PNG, JPEG or SVG image, or does not decode (`logo/image`).
 * @param read reads the file (default `readBytes`); the data loader passes one that records the
 *   SHA-256 of the bytes read, for the manifest.
 */
export async function readLogo(dir: string, file: string, place: Place, diagnostics: Diagnostic[], read: typeof readBytes = readBytes): Promise<Logo | undefined> {
  const absPath = path.resolve(dir, file);
  if (path.isAbsolute(file) || !(await insideFolder(dir, absPath))) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'logo/outside',
      message: `logo ${quote(file)} hors du dossier de données (attendu : un chemin relatif au dossier de dispositif.yaml, ex. logo.png)`,
      place,
      actual: file,
    });
    return undefined;
  }
  const bytes = await read(absPath, place, diagnostics, EXPECTED, file);
  if (!bytes) return undefined;
  const kind = imageKind(bytes);
  let image: RasterImage;
  try {
    if (kind === undefined) throw new ImageProblem("ce n'est pas une image PNG, JPEG ou SVG (GIF, WebP, BMP, TIFF, PDF… ne sont pas pris en charge)");
    image = kind === 'png' ? checkPng(bytes) : kind === 'jpeg' ? checkJpeg(bytes) : rasteriseSvg(bytes, svgPixelWidth, [FONT_PATHS.normal, FONT_PATHS.bold]);
  } catch (err) {
    if (!(err instanceof ImageProblem)) throw err;
    diagnostics.push({
      severity: 'error',
      ruleId: 'logo/image',
      message: `logo ${quote(file)} inutilisable : ${err.message} (attendu : ${EXPECTED})`,
      place,
      actual: file,
      expected: EXPECTED,
    });
    return undefined;
  }
  return { ...image, fichier: file, source: displayPath(absPath), bytes };
}
