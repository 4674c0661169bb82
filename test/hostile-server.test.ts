/**
 * Hostile requests to the web server (issue 14, through `fastify.inject`): malformed multipart
 * bodies, an uploaded dispositif.yaml placing a CSV where no file can go, bodies the framework
 * cannot parse, addresses its router cannot read. Each gets its 4xx status and a French message
 * — never a 500, never the framework's English.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.ts';

let tmp: string;
let app: FastifyInstance;
const BOUNDARY = '----alses-hostile';
const ENGLISH = /\b(the|is|not|valid|found|Unexpected|Boundary|Body)\b/;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'alses-hostile-server-'));
  app = await buildServer({ dataDir: 'data', templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 }, uploadLimitBytes: 256 * 1024 });
});
afterAll(async () => {
  await app?.close();
  await rm(tmp, { recursive: true, force: true });
});

const part = (name: string, bytes: string | Uint8Array) =>
  Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="fichiers"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.from(bytes), Buffer.from('\r\n')]);
const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

describe('malformed multipart bodies are 400 in French (regression: 500, the parser\'s English on stderr)', () => {
  it.each([
    ['cut short (no closing separator)', Buffer.concat([part('alses.xlsx', 'PK').subarray(0, 60)]), multipartHeaders],
    ['without a separator (boundary) in its type', Buffer.from('x'), { 'content-type': 'multipart/form-data' }],
  ])('POST /api/validation, a body %s', async (_name, payload, headers) => {
    const res = await app.inject({ method: 'POST', url: '/api/validation', payload, headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().erreur).toMatch(/^Envoi mal formé : le corps multipart\/form-data est incomplet ou n'a pas de séparateur \(boundary\) \(attendu : /);
  });

  it('POST /donnees (the page), a body cut short: the page says so, 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/donnees', payload: part('alses.xlsx', 'PK').subarray(0, 60), headers: multipartHeaders });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Envoi mal formé');
  });
});

it('an uploaded dispositif.yaml placing a CSV under a file is 400 naming the place (regression: 500, EEXIST on stderr)', async () => {
  const yaml = (await readFile('data/dispositif.yaml', 'utf8')).replace('fichier: etats/2019-07-15.csv', 'fichier: logo.png/2019-07-15.csv');
  const payload = Buffer.concat([part('dispositif.yaml', yaml), part('2019-07-15.csv', await readFile('data/etats/2019-07-15.csv')), Buffer.from(`--${BOUNDARY}--\r\n`)]);
  const res = await app.inject({ method: 'POST', url: '/api/validation', payload, headers: multipartHeaders });
  expect(res.statusCode).toBe(400);
  expect(res.json().erreur).toBe(
    'Le fichier « 2019-07-15.csv » ne peut pas être placé en « logo.png/2019-07-15.csv », chemin que lui donne dispositif.yaml : un fichier porte déjà ce nom (EEXIST) (attendu : un chemin de fichier CSV des données, ex. etats/2019-07-15.csv)',
  );
});

describe('what the framework refuses is said in French (regression: its English messages)', () => {
  it('a JSON body that is not JSON, or holds __proto__: 400', async () => {
    for (const payload of ['{"mois":', '{"__proto__":{"mois":"2019-09"}}']) {
      const res = await app.inject({ method: 'POST', url: '/api/validation', payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().erreur).toMatch(/^Corps de requête JSON invalide \(attendu : un objet JSON/);
    }
  });

  it('an address whose %-encoding is no UTF-8: 400, in JSON under /api/ and on a page elsewhere', async () => {
    const api = await app.inject({ url: '/api/documents/%E0%A4%A' });
    expect(api.statusCode).toBe(400);
    expect(api.json()).toEqual({ erreur: expect.stringMatching(/^Adresse invalide : un caractère encodé en %XX ne forme pas un texte UTF-8/) });
    const page = await app.inject({ url: '/documents/%E0%A4%A' });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Adresse invalide');
    expect(page.body).not.toMatch(ENGLISH);
  });

  it('an address part over the router\'s limit: 414', async () => {
    const res = await app.inject({ url: `/api/documents/${'a'.repeat(1000)}` });
    expect(res.statusCode).toBe(414);
    expect(res.json().erreur).toMatch(/^Adresse trop longue/);
  });

  it('a form over the body limit names that limit, 64 Kio (regression: « au plus 0 Mio », the upload limit rounded)', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/validation', payload: JSON.stringify({ mois: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().erreur).toBe("Requête trop volumineuse (au plus 64\u00a0Kio ; un envoi de fichiers se fait en multipart/form-data, jusqu'à 256\u00a0Kio)");
  });
});

/** The English of Fastify's default answers to a client error. */
const ENGLISH_BODY = /Request Header Fields Too Large"|Client Error|"statusCode"/;

describe('requests the HTTP parser refuses before any route are answered in French (hostile trial: English JSON)', () => {
  it('headers over 16 KiB: 431; a Content-Length that is no number: 400; both an HTML page in French', async () => {
    const server = await buildServer({ dataDir: 'data', templatesDir: 'templates', outDir: path.join(tmp, 'out-client'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 } });
    try {
      await server.listen({ port: 0, host: '127.0.0.1' });
      const { port } = server.server.address() as AddressInfo;
      const raw = (request: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
          let answer = '';
          socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
          socket.on('end', () => resolve(answer));
          socket.on('error', reject);
        });
      const long = await raw(`GET /?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(long.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      expect(long).toContain('Adresse ou en-têtes trop longs, plus de 16 Kio');
      expect(long).not.toMatch(ENGLISH_BODY);
      const bad = await raw('POST /api/validation HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
      expect(bad.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(bad).toContain('Requête HTTP mal formée');
      expect(bad).not.toMatch(ENGLISH_BODY);
    } finally {
      await server.close();
    }
  });
});

describe('« Enregistrer » for a session whose upload is no longer on the server', () => {
  it('says the upload was dropped and writes nothing (hostile trial: « Aucune donnée déposée », as if none had been sent)', async () => {
    const res = await app.inject({ method: 'POST', url: '/donnees/enregistrer', headers: { cookie: 'alses_espace=perdu', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'donnees=0' });
    expect(res.statusCode).toBe(400);
    expect(res.body.replace(/&#39;/g, "'")).toContain("Rien n'a été écrit : les données déposées depuis ce navigateur ne sont plus sur le serveur (il garde les 20 dépôts les plus récents, et aucun après un redémarrage). Déposez de nouveau le classeur.");
    const fresh = await app.inject({ method: 'POST', url: '/donnees/enregistrer' });
    expect(fresh.body.replace(/&#39;/g, "'")).toContain("Aucune donnée déposée à enregistrer : déposez d'abord un classeur.");
  });
});
