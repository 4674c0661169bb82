/**
 * Load bench of `alses serve` (not a test; `npx tsx test/bench-server.ts`): on loopback only,
 * 20 concurrent clients for 30 s request the annex PDFs (each rendered once in the worker pool,
 * then served from the server's cache of renderings: same data, same bytes); prints requests/s and p50/p95 latency. Then, while a big render runs (an uploaded état
 * of 5 000 collèges, PDF), times requests of the page and checks each is answered in < 200 ms.
 * Bounded in time and count; stops by itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildServer } from '../src/server/app.ts';
import { listenLocally } from './helpers/server.ts';

const CLIENTS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const BIG_ROWS = Number(process.env.ALSES_BENCH_BIG_ROWS ?? 5000);
const PAGE_BUDGET_MS = 200;

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'alses-bench-server-'));
  const app = await buildServer({ dataDir: 'data', templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 120_000, maxMemoryMb: 1024 }, uploadLimitBytes: 20 * 1024 * 1024 });
  const base = await listenLocally(app);
  try {
    // Warm up: workers started, data/ validated once (the page then answers from that).
    const docs = (await (await fetch(`${base}/api/documents`)).json()) as { documents: { id: string }[] };
    const annexes = docs.documents.map((d) => d.id).filter((id) => id.startsWith('annexe-'));
    for (const id of annexes) await fetch(`${base}/api/documents/${id}.pdf`);

    // 1. Throughput: 20 clients, annex PDFs in turn.
    const latencies: number[] = [];
    let errors = 0;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: base,
          connections: CLIENTS,
          duration: SECONDS,
          timeout: 60,
          requests: annexes.map((id) => ({ method: 'GET' as const, path: `/api/documents/${id}.pdf` })),
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      instance.on('response', (_client, status, _bytes, ms) => {
        latencies.push(ms);
        if (status !== 200) errors++;
      });
    });
    latencies.sort((a, b) => a - b);
    const rps = result.requests.total / (result.duration || SECONDS);
    process.stdout.write(
      `Charge : ${CLIENTS} clients, ${SECONDS} s, PDF des annexes (${annexes.join(', ')})\n` +
        `  requêtes : ${result.requests.total} (${errors} en échec, ${result.non2xx} non 2xx, ${result.timeouts} hors délai)\n` +
        `  débit : ${rps.toFixed(1)} requêtes/s\n` +
        `  latence : p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms\n`,
    );

    // 2. A big render in a worker; the page must still answer quickly.
    const header = 'Commune;Collège;Structure porteuse;ETP';
    const rows = Array.from({ length: BIG_ROWS }, (_, i) => `COMMUNE ${i + 1};Collège n° ${i + 1};${i % 2 ? 'CAPEP' : 'AEP'};1`);
    const form = new FormData();
    form.append('fichiers', new Blob([[header, ...rows].join('\n') + '\n']), '2019-07-15.csv');
    const upload = await fetch(`${base}/donnees`, { method: 'POST', body: form, redirect: 'manual' });
    const cookie = (upload.headers.get('set-cookie') ?? '').split(';')[0]!;
    const started = performance.now();
    let bigDone = false;
    const big = fetch(`${base}/api/documents/annexe-liste-juillet-2019.pdf`, { headers: { cookie } }).then(async (r) => {
      const bytes = (await r.arrayBuffer()).byteLength;
      bigDone = true;
      return { status: r.status, bytes, ms: performance.now() - started };
    });
    const pageTimes: number[] = [];
    await new Promise((r) => setTimeout(r, 300));
    while (!bigDone && pageTimes.length < 200) {
      const t = performance.now();
      const r = await fetch(`${base}/`);
      await r.text();
      if (!bigDone) pageTimes.push(performance.now() - t);
      if (process.env.BENCH_VERBOSE) process.stdout.write(`  ${((t - started) / 1000).toFixed(1)} s : ${(performance.now() - t).toFixed(0)} ms\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const done = await big;
    const slowest = Math.max(...pageTimes);
    process.stdout.write(
      `Rendu lourd : état de ${BIG_ROWS} collèges en PDF, ${done.status}, ${(done.bytes / 1024).toFixed(0)} Kio en ${(done.ms / 1000).toFixed(1)} s\n` +
        `  page d'accueil pendant ce rendu : ${pageTimes.length} requêtes, médiane ${percentile([...pageTimes].sort((a, b) => a - b), 50).toFixed(0)} ms, max ${slowest.toFixed(0)} ms ` +
        `(${slowest < PAGE_BUDGET_MS ? 'OK' : 'TROP LENT'} : < ${PAGE_BUDGET_MS} ms attendu)\n`,
    );
    if (!(slowest < PAGE_BUDGET_MS) || done.status !== 200) process.exitCode = 1;
  } finally {
    await app.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
