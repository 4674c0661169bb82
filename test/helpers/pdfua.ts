/**
 * A PDF/UA (ISO 14289-1) structure checker for tests: the Matterhorn Protocol 1.1 conditions a
 * machine can decide, checked on the bytes a writer produced. It does not replace veraPDF or
 * PAC (not packaged for Debian), nor a human: see README, « Vérifications PDF/UA automatiques ».
 *
 * Sources of truth:
 * - pdfjs-dist (already used by readback.ts): the operator list of each page (which content is
 *   drawn inside which marked-content sequence), the per-page structure tree (which MCIDs are
 *   referenced, the `/Alt` of figures), document properties (`/Lang`, `/MarkInfo`,
 *   `/ViewerPreferences`, XMP);
 * - poppler's `pdfinfo -struct` (poppler-utils, as for pdfsig): the whole structure tree in
 *   document order, with attributes (`/Scope`, `/BBox`…), which pdf.js does not expose.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The rules checked, each with the Matterhorn checkpoints (or ISO clause) it decides and a short
 * French description (as the README lists them).
 */
export const PDFUA_RULES = {
  'content-tagged': { checkpoints: ['01-005'], description: 'tout texte, tracé ou image est dans du contenu marqué relié à la structure (MCID) ou un artefact' },
  'content-nesting': { checkpoints: ['01-003', '01-004'], description: 'pas d\'artefact dans du contenu balisé, ni de contenu balisé dans un artefact' },
  marked: { checkpoints: ['ISO 14289-1 §7.1', '01-007'], description: '/MarkInfo /Marked vrai, /Suspects absent ou faux' },
  lang: { checkpoints: ['11-001', '11-006'], description: 'langue du document (/Lang du catalogue)' },
  title: { checkpoints: ['06-003', '07-001', '07-002'], description: 'titre dans les métadonnées XMP (dc:title) et affiché (/DisplayDocTitle vrai)' },
  'pdfua-identifier': { checkpoints: ['06-002'], description: 'identification PDF/UA (pdfuaid:part) dans les métadonnées XMP' },
  headings: { checkpoints: ['14-002', '14-003'], description: 'le premier titre est H1, aucun niveau de titre sauté' },
  'table-structure': { checkpoints: ['09-004'], description: 'Table > (Caption, THead, TBody, TFoot) > TR > TH/TD (ISO 32000-1, tableau 337)' },
  'th-scope': { checkpoints: ['15-003'], description: 'chaque cellule d\'en-tête TH a une portée (/Scope)' },
  'list-structure': { checkpoints: ['09-005'], description: 'L > LI > Lbl/LBody (ISO 32000-1, tableau 336)' },
  'list-labels': { checkpoints: ['ISO 32000-1 §14.8.4.3.3'], description: 'chaque élément de liste LI porte son étiquette Lbl (puce ou numéro)' },
  'figure-alt': { checkpoints: ['13-004'], description: 'chaque Figure a un texte de remplacement (/Alt)' },
  'figure-bbox': { checkpoints: ['ISO 32000-1 tableau 344'], description: 'chaque Figure a une boîte englobante (attribut /BBox)' },
  'annotations-tagged': { checkpoints: ['28-002', '28-010'], description: 'chaque annotation (lien, champ de formulaire, signature) est reliée à la structure (OBJR)' },
} as const;
/** Id of a rule. */
export type PdfUaRule = keyof typeof PDFUA_RULES;

/** What the checker found: each rule's failures (an empty list: the rule passes). */
export type PdfUaReport = Record<PdfUaRule, string[]>;

/** The failing rules of a report, with their failures (first 5 each, for readable test output). */
export const failingRules = (report: PdfUaReport): Partial<PdfUaReport> =>
  Object.fromEntries(Object.entries(report).filter(([, f]) => f.length > 0).map(([r, f]) => [r, f.slice(0, 5)]));

/** One node of the structure tree as `pdfinfo -struct` prints it. */
export interface StructNode {
  readonly role: string;
  /** Attributes (`/Scope`, `/BBox`…) as printed: name → value text. */
  readonly attributes: Record<string, string>;
  readonly children: StructNode[];
}

const run = promisify(execFile);

/**
 * The whole structure tree (document order), from `pdfinfo -struct`.
 * @returns the root's children (the document's top elements); empty when the file is untagged.
 * @throws Error when pdfinfo is missing.
 */
export async function structureTree(bytes: Uint8Array): Promise<StructNode[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'alses-pdfua-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, bytes);
    const { stdout } = await run('pdfinfo', ['-struct', file], { maxBuffer: 64 * 1024 * 1024 });
    const root: StructNode = { role: '', attributes: {}, children: [] };
    const stack: { depth: number; node: StructNode }[] = [{ depth: -1, node: root }];
    for (const line of stdout.split('\n')) {
      if (line.trim() === '') continue;
      const depth = (line.length - line.trimStart().length) / 2;
      const text = line.trim();
      if (text.startsWith('/')) {
        const [, name, value] = /^\/(\w+)\s*(.*)$/.exec(text) ?? [];
        if (name) stack.at(-1)!.node.attributes[name] = value ?? '';
        continue;
      }
      const role = /^([^\s:(]+)/.exec(text)?.[1];
      if (!role) continue;
      while (stack.at(-1)!.depth >= depth) stack.pop();
      const node: StructNode = { role, attributes: {}, children: [] };
      stack.at(-1)!.node.children.push(node);
      stack.push({ depth, node });
    }
    return root.children;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The structure tree with the text of each element, as `pdfinfo -struct-text` prints it (for
 * tests that read what a label or cell says).
 * @throws Error when pdfinfo is missing.
 */
export async function structureText(bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'alses-pdfua-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, bytes);
    return (await run('pdfinfo', ['-struct-text', file], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every node of a tree with its parent, depth first (document order). */
function* walk(nodes: readonly StructNode[], parent?: StructNode): Generator<{ node: StructNode; parent: StructNode | undefined }> {
  for (const node of nodes) {
    yield { node, parent };
    yield* walk(node.children, node);
  }
}

/** pdf.js operator ids that draw text, paths or images (what must be tagged or an artifact). */
const TEXT_OPS = new Set([OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText]);
const IMAGE_OPS = new Set([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat, OPS.paintInlineImageXObjectGroup, OPS.paintSolidColorImageMask]);

/** Content ids (`p<page>R_mc<MCID>`) a pdf.js per-page structure tree references, and its figures. */
function collectTree(node: unknown, ids: Set<string>, figures: { alt?: string }[]): void {
  if (!node || typeof node !== 'object') return;
  const n = node as { type?: string; id?: string; role?: string; alt?: string; children?: unknown[] };
  if (n.type === 'content' && n.id) ids.add(n.id);
  // pdf.js names an OBJR kid `pdfjs_internal_id_<num>R`, the annotation itself `<num>R`.
  if (n.type === 'annotation' && n.id) ids.add(n.id.replace(/^pdfjs_internal_id_/, ''));
  if (n.role === 'Figure') figures.push({ ...(n.alt !== undefined ? { alt: n.alt } : {}) });
  for (const c of n.children ?? []) collectTree(c, ids, figures);
}

/**
 * Checks a PDF against the machine-checkable PDF/UA conditions of `PDFUA_RULES`.
 * @returns every rule, with its failures in French (page numbers from 1).
 */
export async function checkPdfUa(bytes: Uint8Array): Promise<PdfUaReport> {
  const report = Object.fromEntries(Object.keys(PDFUA_RULES).map((r) => [r, []])) as unknown as PdfUaReport;
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise;
  try {
    // Document-level properties.
    const markInfo = await pdf.getMarkInfo();
    if (!markInfo?.Marked) report.marked.push('/MarkInfo /Marked absent ou faux');
    if (markInfo?.Suspects) report.marked.push('/MarkInfo /Suspects vrai');
    const { info, metadata } = (await pdf.getMetadata()) as { info: { Language?: string | null }; metadata: { get(name: string): unknown; getRaw(): string } | null };
    if (!info.Language || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(info.Language)) report.lang.push(`/Lang du catalogue absent ou invalide (${JSON.stringify(info.Language ?? null)})`);
    const dcTitle = metadata?.get('dc:title');
    if (typeof dcTitle !== 'string' || dcTitle.trim() === '') report.title.push('dc:title absent des métadonnées XMP');
    const preferences = (await pdf.getViewerPreferences()) as { DisplayDocTitle?: boolean } | null;
    if (preferences?.DisplayDocTitle !== true) report.title.push('/ViewerPreferences /DisplayDocTitle absent ou faux');
    if (!/pdfuaid:part\s*(=\s*["']1["']|>\s*1\s*<)/.test(metadata?.getRaw() ?? '')) report['pdfua-identifier'].push('pdfuaid:part absent des métadonnées XMP');

    // Page content: every drawing operator inside tagged (referenced MCID) or artifact content.
    const figures: { alt?: string }[] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const ids = new Set<string>();
      collectTree(await page.getStructTree(), ids, figures);
      const pageRef = (page as unknown as { ref: { num: number; gen: number } }).ref;
      for (const a of (await page.getAnnotations()) as { id: string; subtype: string }[])
        if (a.subtype !== 'Popup' && !ids.has(a.id)) report['annotations-tagged'].push(`page ${p} : annotation ${a.subtype} (${a.id}) absente de la structure`);
      const ops = await page.getOperatorList();
      const stack: { tag: string; mcid: number | null }[] = [];
      const untagged = { text: 0, path: 0, image: 0 };
      let unreferenced = 0;
      for (let i = 0; i < ops.fnArray.length; i++) {
        const fn = ops.fnArray[i]!;
        const args = ops.argsArray[i] as unknown[] | null;
        if (fn === OPS.beginMarkedContent || fn === OPS.beginMarkedContentProps) {
          // BMC gives a Name object ({ name }), BDC a string.
          const raw = args?.[0] as string | { name?: string } | undefined;
          const tag = typeof raw === 'string' ? raw : (raw?.name ?? '');
          const mcid = fn === OPS.beginMarkedContentProps && typeof args?.[1] === 'number' ? args[1] : null;
          const inArtifact = stack.some((s) => s.tag === 'Artifact');
          const inTagged = stack.some((s) => s.mcid !== null);
          if (tag === 'Artifact' && inTagged) report['content-nesting'].push(`page ${p} : artefact dans du contenu balisé`);
          if (mcid !== null && inArtifact) report['content-nesting'].push(`page ${p} : contenu balisé (MCID ${mcid}) dans un artefact`);
          if (mcid !== null && !ids.has(`p${pageRef.num}R_mc${mcid}`)) unreferenced++;
          stack.push({ tag, mcid });
          continue;
        }
        if (fn === OPS.endMarkedContent) {
          stack.pop();
          continue;
        }
        const kind = TEXT_OPS.has(fn) ? 'text' : IMAGE_OPS.has(fn) ? 'image' : fn === OPS.constructPath && args?.[0] !== OPS.endPath ? 'path' : undefined;
        if (!kind) continue;
        const covered = stack.some((s) => s.tag === 'Artifact' || (s.mcid !== null && ids.has(`p${pageRef.num}R_mc${s.mcid}`)));
        if (!covered) untagged[kind]++;
      }
      for (const [kind, n] of Object.entries(untagged))
        if (n) report['content-tagged'].push(`page ${p} : ${n} ${{ text: 'texte(s)', path: 'tracé(s)', image: 'image(s)' }[kind]} hors de tout contenu balisé ou artefact`);
      if (unreferenced) report['content-tagged'].push(`page ${p} : ${unreferenced} séquence(s) marquée(s) dont le MCID n'est relié à aucun élément de structure`);
    }
    for (const [i, f] of figures.entries()) if (!f.alt?.trim()) report['figure-alt'].push(`Figure n° ${i + 1} sans /Alt`);
  } finally {
    await pdf.destroy();
  }

  // Structure tree, in document order.
  const tree = await structureTree(bytes);
  if (tree.length === 0) report['content-tagged'].push('aucune structure logique (/StructTreeRoot absent ou vide)');
  let previous = 0;
  const TABLE_PARTS = new Set(['THead', 'TBody', 'TFoot']);
  for (const { node, parent } of walk(tree)) {
    const role = node.role;
    const level = /^H([1-6])$/.exec(role)?.[1];
    if (level) {
      const n = Number(level);
      if (previous === 0 && n !== 1) report.headings.push(`premier titre ${role} (attendu : H1)`);
      else if (n > previous + 1) report.headings.push(`${role} après H${previous} : niveau sauté`);
      previous = n;
    }
    const inside = (allowed: readonly string[]) => (parent && allowed.includes(parent.role) ? [] : [`${role} sous ${parent?.role ?? 'la racine'} (attendu : sous ${allowed.join(' ou ')})`]);
    const children = (allowed: readonly string[]) => node.children.filter((c) => !allowed.includes(c.role)).map((c) => `${c.role} dans ${role} (attendu : ${allowed.join(', ')})`);
    if (role === 'Table') report['table-structure'].push(...children(['TR', 'THead', 'TBody', 'TFoot', 'Caption']));
    if (TABLE_PARTS.has(role)) report['table-structure'].push(...inside(['Table']), ...children(['TR']));
    if (role === 'TR') report['table-structure'].push(...inside(['Table', 'THead', 'TBody', 'TFoot']), ...children(['TH', 'TD']));
    if (role === 'TH' || role === 'TD') report['table-structure'].push(...inside(['TR']));
    if (role === 'TH' && !/^\/?(Row|Column|Both)$/.test(node.attributes.Scope ?? '')) report['th-scope'].push(`TH sans /Scope (Row, Column ou Both)`);
    if (role === 'L') report['list-structure'].push(...children(['LI', 'L', 'Caption']));
    if (role === 'LI') {
      report['list-structure'].push(...inside(['L']), ...children(['Lbl', 'LBody']));
      if (!node.children.some((c) => c.role === 'Lbl')) report['list-labels'].push('LI sans Lbl : la puce ou le numéro n\'est pas balisé');
    }
    if (role === 'Lbl' || role === 'LBody') report['list-structure'].push(...inside(['LI']));
    if (role === 'Figure' && !node.attributes.BBox) report['figure-bbox'].push('Figure sans attribut /BBox');
  }
  return report;
}
