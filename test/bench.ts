/**
 * `npm run bench`: median wall time to render every annex in each format (in-process, N runs),
 * and of the whole `npm start` process (fresh Node process, tsx included). Prints a table.
 * A benchmark, not a test: nothing here fails on a slow machine.
 *
 * Usage: npm run bench [-- --runs 10]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderDocuments } from '../src/jobs/render.ts';
import { FORMATS, serialize, type Format } from '../src/writers/index.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const root = path.resolve(import.meta.dirname, '..');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timeFormat(format: Format | 'ast'): Promise<{ median: number; min: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = performance.now();
    const { documents } = await renderDocuments({ dataDir: path.join(root, 'data'), templatesDir: path.join(root, 'templates') });
    bytes = 0;
    if (format !== 'ast') for (const d of documents) bytes += (await serialize(d.document, format)).byteLength;
    const dt = performance.now() - t0;
    if (i > 0) times.push(dt); // first run warms up caches and the JIT
  }
  return { median: median(times), min: Math.min(...times), bytes };
}

function timeProcess(): { median: number; min: number } {
  const times: number[] = [];
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 2)); i++) {
    const out = mkdtempSync(path.join(os.tmpdir(), 'alses-bench-'));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/alses.mjs', 'render', '--out', out], { cwd: root, encoding: 'utf8' });
    times.push(performance.now() - t0);
    rmSync(out, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`render a échoué (code ${r.status}) : ${r.stderr}`);
  }
  return { median: median(times), min: Math.min(...times) };
}

const rows: string[][] = [];
for (const f of ['ast', ...FORMATS] as const) {
  const r = await timeFormat(f);
  rows.push([f === 'ast' ? 'données + modèles → AST' : `tout → ${f}`, r.median.toFixed(1), r.min.toFixed(1), f === 'ast' ? '' : String(r.bytes)]);
}
const p = timeProcess();
rows.push(['processus `npm start` (3 formats)', p.median.toFixed(1), p.min.toFixed(1), '']);

const header = ['étape (toutes les annexes)', 'médiane ms', 'min ms', 'octets'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
console.log(`Banc d'essai — ${RUNS} exécutions par mesure, Node ${process.version}, ${os.cpus().length} cœurs`);
console.log(line(header));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));

// --- Real-world input: `alses validate` on an état of 100,000 rows, as a fresh process. --------
// Wall time and peak memory (maxRSS, read by a hook preloaded with --import) of
// `node bin/alses.mjs validate --data <dossier>`: with one fault (a TOTAL off by one: the data
// are checked, the annexes are not dry-run) and valid (the annexes are dry-run on 100,000 rows).
{
  const { copyFileSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { hundredThousandRows } = await import('./fixtures/bad-inputs/generate.ts');
  const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxRSS='+process.resourceUsage().maxRSS+'\\n'))`;
  const bigRows: string[][] = [];
  for (const [label, total] of [['100 000 lignes, TOTAL faux (code 1)', 100_001], ['100 000 lignes valides (code 0)', 100_000]] as const) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'alses-bench-100k-'));
    try {
      mkdirSync(path.join(dir, 'etats'));
      mkdirSync(path.join(dir, 'deploiements'));
      // The real dispositif.yaml and déploiement, so that every annex template has what it needs.
      copyFileSync(path.join(root, 'data/dispositif.yaml'), path.join(dir, 'dispositif.yaml'));
      copyFileSync(path.join(root, 'data/deploiements/rentree-2019.csv'), path.join(dir, 'deploiements/rentree-2019.csv'));
      writeFileSync(path.join(dir, 'etats/2019-07-15.csv'), hundredThousandRows(100_000, total));
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--import', RSS_HOOK, 'bin/alses.mjs', 'validate', '--data', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
      const ms = performance.now() - t0;
      const rss = Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
      bigRows.push([label, ms.toFixed(0), rss.toFixed(0), String(r.status)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const bigHeader = ['alses validate (processus)', 'durée ms', 'mémoire max Mio', 'code'];
  const w = bigHeader.map((h, i) => Math.max(h.length, ...bigRows.map((r) => r[i]!.length)));
  const bigLine = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ') + ' |';
  console.log('');
  console.log(bigLine(bigHeader));
  console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
  for (const r of bigRows) console.log(bigLine(r));
}
