/**
 * The collectivité's logo as PNG, JPEG or SVG (issue 10, item 1): each shown on page 1 of the
 * PDF (PDF/A-1b valid: a JPEG embedded as is, an SVG rasterised onto white), in the DOCX's
 * word/media and as the HTML's data URL; bad logos are placed French errors; `alses import` and
 * the web page's workspace carry the logo with dispositif.yaml.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.ts';
import { LOGO_BOX } from '../src/dataset/model.ts';
import { Workspaces } from '../src/server/workspace.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { preflight } from './helpers/pdfa.ts';
import { pdfPageImages } from './helpers/readback.ts';
import { seedWorkbook } from './helpers/server.ts';

/** A 240 × 96 RGB JPEG of the example logo (made with pdftoppm -jpeg from data/logo.png drawn on white). */
const JPEG = await readFile(path.join(import.meta.dirname, 'fixtures/logo/logo.jpg'));

/** An SVG logo with a half-transparent band (PDF/A-1 forbids transparency) and text, 120 × 48 user units. */
const SVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 48" width="120" height="48">
  <rect width="120" height="48" fill="#1f4e9c"/>
  <rect y="30" width="120" height="18" fill="#ffffff" opacity="0.4"/>
  <text x="60" y="26" font-family="Source Sans 3" font-weight="bold" font-size="20" fill="#ffffff" text-anchor="middle">NORD</text>
</svg>
`;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'alses-logo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of data/ whose `logo:` names `file`, written with `bytes` (when given). */
async function dataWithLogo(name: string, file: string, bytes?: string | Uint8Array): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(path.join(ROOT, 'data'), dir, { recursive: true });
  const yaml = path.join(dir, 'dispositif.yaml');
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(/^ {2}logo: .*$/m, `  logo: ${file}`));
  if (bytes !== undefined) await writeFile(path.join(dir, file), bytes);
  return dir;
}

/** Renders the July 2019 list annex of `data` in the three formats. */
async function renderListe(data: string, name: string): Promise<{ pdf: Buffer; docx: Buffer; html: string }> {
  const out = path.join(tmp, `${name}-out`);
  const run = await runCli(['render', 'annexe-liste-juillet-2019', '--data', data, '--out', out]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const read = (ext: string) => readFile(path.join(out, `annexe-liste-juillet-2019.${ext}`));
  return { pdf: await read('pdf'), docx: await read('docx'), html: (await read('html')).toString('utf8') };
}

/** The media files of a DOCX, by name. */
async function docxMedia(docx: Uint8Array): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(docx);
  return new Map(await Promise.all(zip.file(/^word\/media\//).map(async (f) => [f.name, await f.async('nodebuffer')] as const)));
}

describe('a JPEG logo', () => {
  let files: Awaited<ReturnType<typeof renderListe>>;
  beforeAll(async () => {
    files = await renderListe(await dataWithLogo('jpeg', 'logo.jpg', JPEG), 'jpeg');
  }, 60_000);

  it('PDF: embedded as is (DCTDecode, the file’s bytes), painted on page 1, PDF/A-1b valid', async () => {
    expect((await pdfPageImages(files.pdf))[0]).toEqual([{ width: 240, height: 96 }]);
    expect(files.pdf.includes(JPEG)).toBe(true);
    expect(files.pdf.toString('latin1')).toMatch(/\/Filter \/DCTDecode/);
    const [verdict] = await preflight(new Map([['jpeg.pdf', files.pdf]]));
    expect(verdict!.errors).toEqual([]);
  }, 60_000);

  it('DOCX: the file in word/media as .jpg with its content type; HTML: a data:image/jpeg URL of the file', async () => {
    const media = [...(await docxMedia(files.docx))];
    expect(media.filter(([, bytes]) => bytes.equals(JPEG)).map(([name]) => path.extname(name))).toEqual(['.jpg']);
    const types = await (await JSZip.loadAsync(files.docx)).file('[Content_Types].xml')!.async('string');
    expect(types).toMatch(/<Default (?=[^>]*Extension="jpg")(?=[^>]*ContentType="image\/jpeg")/);
    const src = /<div class="letterhead">\n<p class="image"><img src="data:image\/jpeg;base64,([^"]+)"/.exec(files.html)?.[1];
    expect(Buffer.from(src ?? '', 'base64').equals(JPEG)).toBe(true);
  });
});

describe('an SVG logo', () => {
  let files: Awaited<ReturnType<typeof renderListe>>;
  /** Pixel size of the rasterised logo: its printed size (LOGO_BOX.height high) at LOGO_BOX.dpi. */
  const width = Math.round((((LOGO_BOX.height * 120) / 48) * LOGO_BOX.dpi) / 72);
  const height = Math.round((LOGO_BOX.height * LOGO_BOX.dpi) / 72);
  beforeAll(async () => {
    files = await renderListe(await dataWithLogo('svg', 'logo.svg', SVG), 'svg');
  }, 60_000);

  it(`rasterised at ${LOGO_BOX.dpi} dpi for its printed size, onto white: the same opaque PNG in the PDF, the DOCX and the HTML`, async () => {
    expect((await pdfPageImages(files.pdf))[0]).toEqual([{ width, height }]);
    const [verdict] = await preflight(new Map([['svg.pdf', files.pdf]]));
    expect(verdict!.errors).toEqual([]);
    const pngs = [...(await docxMedia(files.docx)).values()].filter((b) => b.subarray(1, 4).toString('latin1') === 'PNG');
    expect(pngs).toHaveLength(1);
    const picture = PNG.sync.read(pngs[0]!);
    expect([picture.width, picture.height]).toEqual([width, height]);
    // The half-transparent white band over the blue, composited onto white: a lighter, opaque blue.
    const at = (x: number, y: number) => [...picture.data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    expect(at(5, 5)).toEqual([0x1f, 0x4e, 0x9c, 255]);
    const band = at(5, height - 5);
    expect(band[3]).toBe(255);
    expect(band[0]!).toBeGreaterThan(0x1f + 60);
    const src = /<img src="data:image\/png;base64,([^"]+)"/.exec(files.html)?.[1];
    expect(Buffer.from(src ?? '', 'base64').equals(pngs[0]!)).toBe(true);
  }, 60_000);
});

describe('bad logos: placed French errors (logo: line and column), nothing rendered', () => {
  /** The errors of loading data whose logo is `file` (written with `bytes`), and the logo: line. */
  async function errorsOf(name: string, file: string, bytes?: string | Uint8Array, prepare?: (dir: string) => Promise<void>) {
    const dir = await dataWithLogo(name, file, bytes);
    await prepare?.(dir);
    const lines = (await readFile(path.join(dir, 'dispositif.yaml'), 'utf8')).split('\n');
    const line = lines.findIndex((l) => l.startsWith('  logo:')) + 1;
    const { diagnostics } = await loadDataset(dir);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    for (const e of errors) expect(e.place).toMatchObject({ line, column: 9 });
    return errors.map((e) => [e.ruleId, e.message]);
  }

  it('a truncated JPEG, a JPEG in CMYK, a corrupt PNG, a GIF', async () => {
    expect(await errorsOf('truncated', 'logo.jpg', JPEG.subarray(0, 700))).toEqual([['logo/image', 'logo "logo.jpg" inutilisable : fichier JPEG abîmé (données illisibles) (attendu : une image PNG, JPEG ou SVG dans le dossier de données, ex. logo.png)']]);
    const cmyk = Buffer.from(JPEG);
    const sof = cmyk.indexOf(Buffer.from([0xff, 0xc0]));
    cmyk[sof + 9] = 4;
    expect((await errorsOf('cmyk', 'logo.jpg', cmyk))[0]![1]).toContain('image JPEG en CMJN');
    const png = Buffer.from(await readFile(path.join(ROOT, 'data/logo.png')));
    png.fill(0x55, 100, 600);
    expect((await errorsOf('corrupt', 'logo.png', png))[0]).toEqual(['logo/image', expect.stringContaining('fichier PNG abîmé')]);
    expect((await errorsOf('gif', 'logo.gif', 'GIF89a\x01\x00\x01\x00'))[0]).toEqual(['logo/image', expect.stringContaining("ce n'est pas une image PNG, JPEG ou SVG")]);
  });

  it('an SVG that names a file (even one inside the data folder), an SVG that does not parse, one without size', async () => {
    const external = SVG.replace('</svg>', '<image href="logo.png" width="10" height="10"/></svg>');
    expect((await errorsOf('svg-href', 'logo.svg', external))[0]![1]).toContain('image SVG qui fait appel à un fichier ou une adresse extérieure (« logo.png »)');
    const css = SVG.replace('</svg>', '<style>rect { fill: url(/etc/motif.svg#p) }</style></svg>');
    expect((await errorsOf('svg-css', 'logo.svg', css))[0]![1]).toContain('(« /etc/motif.svg#p »)');
    expect((await errorsOf('svg-broken', 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><rect</svg>'))[0]![1]).toContain('fichier SVG illisible');
    expect((await errorsOf('svg-nosize', 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>'))[0]![0]).toBe('logo/image');
  });

  it('a missing logo, and a symbolic link leading out of the data folder', async () => {
    expect(await errorsOf('missing', 'absent.svg')).toEqual([['file/missing', expect.stringContaining('"absent.svg" introuvable')]]);
    const outside = await errorsOf('link', 'lien.png', undefined, (dir) => symlink(path.join(ROOT, 'data/logo.png'), path.join(dir, 'lien.png')));
    expect(outside).toEqual([['logo/outside', expect.stringContaining('hors du dossier de données')]]);
  });
});

describe('the logo goes with the data: alses import and the web page workspace', () => {
  it('alses import of a data folder copies its logo into the destination, which then validates', async () => {
    const source = await dataWithLogo('import-source', 'images/logo.svg', undefined);
    await mkdir(path.join(source, 'images'));
    await writeFile(path.join(source, 'images/logo.svg'), SVG);
    const to = path.join(tmp, 'import-to');
    const run = await runCli(['import', source, '--to', to]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('images/logo.svg : nouveau');
    expect(await readFile(path.join(to, 'images/logo.svg'), 'utf8')).toBe(SVG);
    expect((await runCli(['validate', '--data', to])).code).toBe(0);
  });

  it('a workbook dropped on the web page: its workspace is a copy of data/ (logo beside dispositif.yaml) with the workbook read over it, and the data loads', async () => {
    const workspaces = new Workspaces(path.join(ROOT, 'data'));
    try {
      const file = await seedWorkbook(path.join(tmp, 'seed'));
      const ws = await workspaces.replace(Workspaces.newId(), [{ filename: 'alses.xlsx', bytes: await readFile(file) }]);
      expect((await readdir(ws.dir)).sort()).toEqual(['alses.xlsx', 'deploiements', 'dispositif.yaml', 'etats', 'logo.png']);
      expect((await readFile(path.join(ws.dir, 'logo.png'))).equals(await readFile(path.join(ROOT, 'data/logo.png')))).toBe(true);
      expect(ws.source).toMatchObject({ path: ws.dir, classeur: path.join(ws.dir, 'alses.xlsx') });
      const { dataset, diagnostics } = await loadDataset(ws.source.classeur!, { base: ws.source.path });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(dataset?.logo?.format).toBe('png');
    } finally {
      await workspaces.close();
    }
  });
});
