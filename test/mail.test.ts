/**
 * Issue 15: the monthly report reaches its readers, and a failed run reaches the operator —
 * against a real SMTP server on 127.0.0.1 (smtp-server), messages read back with mailparser.
 */
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthlyMessage } from '../src/mail/message.ts';
import { LOCK_FILE } from '../src/output/lock.ts';
import { sendWithRetry, type Transmit } from '../src/mail/send.ts';
import { parseAddresses, readSmtpSettings } from '../src/mail/settings.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { startSmtp, type TestSmtp } from './helpers/smtp.ts';

let smtp: TestSmtp;
let dir: string;
const saved = { ...process.env };
/** Last JSON log line of a run. */
const lastLog = async (file: string) => JSON.parse((await readFile(file, 'utf8')).trim().split('\n').at(-1)!) as Record<string, unknown> & { mail?: Record<string, unknown>[]; alert?: Record<string, unknown> };

beforeAll(async () => {
  smtp = await startSmtp();
  dir = await mkdtemp(path.join(tmpdir(), 'alses-mail-'));
  process.env.ALSES_SMTP_URL = smtp.url;
  process.env.ALSES_SMTP_RETRY_DELAYS_MS = '5,5';
  process.env.ALSES_MAIL_FROM = 'ALSES <alses@departement.exemple.fr>';
});
afterAll(async () => {
  process.env = saved;
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

describe('alses monthly --destinataires: the report reaches its readers, once', () => {
  let data: string;
  let out: string;
  let log: string;
  const run = () => runCli(['monthly', '--month', '2019-09', '--data', data, '--out', out, '--log', log, '--destinataires', 'a@x.fr,b@y.fr', '--quiet']);

  beforeAll(async () => {
    data = path.join(dir, 'data');
    out = path.join(dir, 'out');
    log = path.join(dir, 'mensuel.jsonl');
    await cp(path.join(ROOT, 'data'), data, { recursive: true });
  });

  it('sends the PDF to every recipient, subject and key figures in French; nothing on stdout', async () => {
    const before = smtp.received.length;
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
    const arrived = smtp.received.slice(before);
    expect(arrived).toHaveLength(1);
    const { mail, to, from } = arrived[0]!;
    expect(mail.subject).toBe('Rapport mensuel ALSES — septembre 2019');
    expect(to.sort()).toEqual(['a@x.fr', 'b@y.fr']);
    expect(from).toBe('alses@departement.exemple.fr');
    expect(mail.text).toContain('ETP en place : 52 (+11)');
    expect(mail.text).toContain('Collèges couverts : 53 (+11)');
    expect(mail.text).toContain('11 collèges ajoutés (11 ETP, dont 11 en REP ou REP +)');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['rapport-mensuel-2019-09.pdf']);
    expect(Buffer.compare(mail.attachments[0]!.content, await readFile(path.join(out, 'rapport-mensuel-2019-09.pdf')))).toBe(0);
    // Message-ID and Date come from the content: the PDF's SHA-256, the report's date.
    const entry = await lastLog(log);
    const pdf = (entry.outputs as { path: string; sha256: string }[]).find((o) => o.path.endsWith('.pdf'))!;
    expect(mail.messageId).toBe(`<rapport-mensuel-2019-09.${pdf.sha256.slice(0, 16)}@departement.exemple.fr>`);
    expect(mail.date?.toISOString()).toBe('2019-09-29T22:00:00.000Z');
    expect(entry.mail).toEqual([
      expect.objectContaining({ month: '2019-09', status: 'sent', subject: mail.subject, messageId: mail.messageId, recipients: ['a@x.fr', 'b@y.fr'], response: expect.stringMatching(/^250 /), attempts: 1 }),
    ]);
    const record = JSON.parse(await readFile(path.join(out, '.envois.json'), 'utf8')) as { reports: Record<string, { sent: { version: string }[] }> };
    expect(record.reports['rapport-mensuel-2019-09']!.sent.map((s) => s.version)).toEqual([pdf.sha256]);
  });

  it('a re-run with the same data sends nothing', async () => {
    const before = smtp.received.length;
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    expect(smtp.received.length).toBe(before);
    expect((await lastLog(log)).mail).toEqual([expect.objectContaining({ status: 'already-sent', subject: 'Rapport mensuel ALSES — septembre 2019' })]);
  });

  it('a report rewritten because the data changed is sent again, "(mis à jour)", threaded to the first', async () => {
    const first = smtp.received.at(-1)!.mail.messageId;
    const file = path.join(data, 'deploiements/rentree-2019.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replace('CAUDRY;Jacques Prévert;REP;1', 'CAUDRY;Jacques Prévert;REP;0,5'));
    const before = smtp.received.length;
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    const arrived = smtp.received.slice(before);
    expect(arrived).toHaveLength(1);
    const { mail } = arrived[0]!;
    expect(mail.subject).toBe('Rapport mensuel ALSES — septembre 2019 (mis à jour)');
    expect(mail.text).toContain('ETP en place : 51,5 (+10,5)');
    expect(mail.text).toContain('Ce rapport remplace celui envoyé le');
    expect(mail.references).toBe(first);
    expect(mail.messageId).not.toBe(first);
    expect(Buffer.compare(mail.attachments[0]!.content, await readFile(path.join(out, 'rapport-mensuel-2019-09.pdf')))).toBe(0);
  });

  it('--joindre pdf,docx attaches the DOCX too', async () => {
    const file = path.join(data, 'deploiements/rentree-2019.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replace('CAUDRY;Jacques Prévert;REP;0,5', 'CAUDRY;Jacques Prévert;REP;0,75'));
    const before = smtp.received.length;
    const result = await runCli(['monthly', '--month', '2019-09', '--data', data, '--out', out, '--log', log, '--destinataires', 'a@x.fr', '--joindre', 'pdf,docx']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('envoyé : Rapport mensuel ALSES — septembre 2019 (mis à jour) → a@x.fr');
    const { mail } = smtp.received.slice(before)[0]!;
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['rapport-mensuel-2019-09.pdf', 'application/pdf'],
      ['rapport-mensuel-2019-09.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ]);
    expect(Buffer.compare(mail.attachments[1]!.content, await readFile(path.join(out, 'rapport-mensuel-2019-09.docx')))).toBe(0);
  });
});

describe('a relay that refuses: retried, reported, sent by the next run', () => {
  it('421 is retried with backoff, then exit 5 with the report written; the next run (another month) sends it', async () => {
    const out = path.join(dir, 'out-refused');
    const log = path.join(dir, 'refused.jsonl');
    const args = (month: string) => ['monthly', '--month', month, '--out', out, '--log', log, '--destinataires', 'lecteur@x.fr', '--quiet'];
    smtp.refusing = true;
    smtp.refused = 0;
    const before = smtp.received.length;
    let failed;
    try {
      failed = await runCli(args('2019-08'));
    } finally {
      smtp.refusing = false;
    }
    expect(failed.code).toBe(5);
    expect(smtp.refused).toBe(3); // 1 attempt + 2 retries (ALSES_SMTP_RETRY_DELAYS_MS=5,5)
    expect(smtp.received.length).toBe(before);
    expect(failed.stderr).toMatch(/alses : rapport d'août 2019 non envoyé : le serveur SMTP a répondu « 421 4\.3\.2 Service non disponible.* » \(3 tentatives\) ; il sera envoyé à la prochaine exécution \(code 5\)\./);
    expect((await readFile(path.join(out, 'rapport-mensuel-2019-08.pdf'))).byteLength).toBeGreaterThan(0);
    const entry = await lastLog(log);
    expect(entry).toMatchObject({ status: 'written', exitCode: 5, mail: [{ month: '2019-08', status: 'failed', attempts: 3, response: expect.stringMatching(/^421 /) }] });

    const next = await runCli(args('2019-07'));
    expect(next.code, next.stderr).toBe(0);
    const arrived = smtp.received.slice(before);
    expect(arrived.map((r) => r.mail.subject)).toEqual(['Rapport mensuel ALSES — août 2019', 'Rapport mensuel ALSES — juillet 2019']);
    expect(arrived[0]!.mail.text).toContain("le rapport mensuel du dispositif ALSES d'août 2019 : l'état au 31 août 2019.");
    expect(arrived[0]!.mail.text).toContain('Aucun changement au cours du mois.');
    expect(Buffer.compare(arrived[0]!.mail.attachments[0]!.content, await readFile(path.join(out, 'rapport-mensuel-2019-08.pdf')))).toBe(0);
    expect((await lastLog(log)).mail!.map((m) => [m.month, m.status])).toEqual([
      ['2019-08', 'sent'],
      ['2019-07', 'sent'],
    ]);
    // Sent once: a re-run of August sends nothing more.
    const again = await runCli(args('2019-08'));
    expect(again.code).toBe(0);
    expect(smtp.received.length).toBe(before + 2);
  });
});

describe('alses monthly --alerte: a failed run reaches the operator, once per month and cause', () => {
  it('a broken état sends one French alert with the first problems and their places', async () => {
    const out = path.join(dir, 'out-broken');
    const args = ['monthly', '--month', '2019-09', '--out', out, '--data', 'test/fixtures/dataset/etp-range', '--alerte', 'exploitant@x.fr', '--log', path.join(dir, 'broken.jsonl')];
    const before = smtp.received.length;
    const failed = await runCli(args);
    expect(failed.code).toBe(1);
    const arrived = smtp.received.slice(before);
    expect(arrived).toHaveLength(1);
    const { mail, to } = arrived[0]!;
    expect(to).toEqual(['exploitant@x.fr']);
    expect(mail.subject).toBe('Alerte ALSES — rapport mensuel de septembre 2019 : données ou modèle invalides');
    expect(mail.text).toContain('a échoué (données ou modèle invalides, code de sortie 1)');
    expect(mail.text).toMatch(/etats\/2019-07-15\.csv:\d+:\d+ {2}erreur {2}ETP "1,5" hors limites/);
    expect((await lastLog(path.join(dir, 'broken.jsonl'))).alert).toMatchObject({ cause: 'invalid', status: 'sent', recipients: ['exploitant@x.fr'] });

    const again = await runCli(args);
    expect(again.code).toBe(1);
    expect(smtp.received.length).toBe(before + 1);
    expect((await lastLog(path.join(dir, 'broken.jsonl'))).alert).toMatchObject({ cause: 'invalid', status: 'already-sent' });
  });

  it('an output folder locked by another run past --wait: exit 4 and an alert', async () => {
    const out = path.join(dir, 'out-locked');
    await mkdir(out, { recursive: true });
    const release = await lockfile.lock(out, { lockfilePath: path.join(out, LOCK_FILE), realpath: false });
    const before = smtp.received.length;
    try {
      const run = await runCli(['monthly', '--month', '2019-09', '--out', out, '--alerte', 'exploitant@x.fr', '--log', path.join(dir, 'locked.jsonl')]);
      expect(run.code).toBe(4);
    } finally {
      await release();
    }
    const arrived = smtp.received.slice(before);
    expect(arrived.map((r) => r.mail.subject)).toEqual(['Alerte ALSES — rapport mensuel de septembre 2019 : dossier de sortie verrouillé trop longtemps par une autre production']);
    expect((await lastLog(path.join(dir, 'locked.jsonl'))).alert).toMatchObject({ cause: 'locked', status: 'sent' });
  });

  it('old data (exit 6): the alert says the report was produced and sent, and why (regression: « a échoué », « non envoyé : échec »)', async () => {
    const out = path.join(dir, 'out-stale');
    const before = smtp.received.length;
    const run = await runCli(['monthly', '--month', '2022-01', '--out', out, '--destinataires', 'lecteur@x.fr', '--alerte', 'exploitant@x.fr', '--quiet', '--log', path.join(dir, 'stale.jsonl')]);
    expect(run.code).toBe(6);
    const arrived = smtp.received.slice(before);
    expect(arrived.map((r) => r.to)).toEqual([['lecteur@x.fr'], ['exploitant@x.fr']]);
    const alert = arrived[1]!.mail;
    expect(alert.subject).toBe('Alerte ALSES — rapport mensuel de janvier 2022 : données périmées');
    expect(alert.text).toContain('Le rapport mensuel ALSES de janvier 2022 est produit, mais ses données sont anciennes (code de sortie 6).');
    expect(alert.text).toContain("Erreur : données anciennes : l'état ou le déploiement le plus récent date du 02/09/2019, plus de 12 mois avant la fin du mois du rapport ; le rapport est écrit et envoyé");
    expect(alert.text).not.toContain('non envoyé');
    expect(alert.text).not.toContain('a échoué');
  });

  it('no alert when the run succeeds', async () => {
    const out = path.join(dir, 'out-ok');
    const before = smtp.received.length;
    const run = await runCli(['monthly', '--month', '2019-07', '--out', out, '--alerte', 'exploitant@x.fr', '--quiet', '--log', path.join(dir, 'ok.jsonl')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(smtp.received.length).toBe(before);
  });
});

describe('settings: from the environment, checked before anything is rendered', () => {
  it('no ALSES_SMTP_URL: usage error (exit 2), in French, nothing written', async () => {
    const url = process.env.ALSES_SMTP_URL;
    delete process.env.ALSES_SMTP_URL;
    try {
      const out = path.join(dir, 'out-nourl');
      const run = await runCli(['monthly', '--month', '2019-09', '--out', out, '--destinataires', 'a@x.fr']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("Serveur d'envoi non configuré : définissez ALSES_SMTP_URL");
    } finally {
      process.env.ALSES_SMTP_URL = url;
    }
  });

  it('an invalid address or format to attach is a usage error', async () => {
    const bad = await runCli(['monthly', '--month', '2019-09', '--out', path.join(dir, 'x'), '--destinataires', 'a@x.fr,pas-une-adresse']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Adresse « pas-une-adresse » invalide pour --destinataires');
    const format = await runCli(['monthly', '--month', '2019-09', '--out', path.join(dir, 'x'), '--destinataires', 'a@x.fr', '--joindre', 'html']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Format joint « html » inconnu');
    // A recipients file not created yet (the operator's first run): the reason in French, no bare errno.
    const missing = await runCli(['monthly', '--month', '2019-09', '--out', path.join(dir, 'x'), '--destinataires-fichier', path.join(dir, 'destinataires')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`Liste de destinataires « ${path.join(dir, 'destinataires')} » illisible : fichier introuvable (ENOENT) (attendu : un fichier, une adresse par ligne)`);
    const folder = await runCli(['monthly', '--month', '2019-09', '--out', path.join(dir, 'x'), '--destinataires-fichier', dir]);
    expect(folder.stderr).toContain("illisible : c'est un dossier, pas un fichier (EISDIR)");
    expect(parseAddresses('# lecteurs\na@x.fr\nb@y.fr, a@x.fr\n', 'fichier')).toEqual(['a@x.fr', 'b@y.fr']);
  });

  it('credentials come from the environment or a password file readable by its owner only; never shown', async () => {
    const file = path.join(dir, 'smtp-password');
    await writeFile(file, 's3cret\n');
    await chmod(file, 0o600);
    const settings = await readSmtpSettings({ ALSES_SMTP_URL: 'smtp://relais.exemple.fr', ALSES_SMTP_USER: 'alses', ALSES_SMTP_PASSWORD_FILE: file });
    expect(settings).toMatchObject({ host: 'relais.exemple.fr', port: 25, secure: false, auth: { user: 'alses', pass: 's3cret' }, display: 'smtp://relais.exemple.fr:25' });
    const inUrl = await readSmtpSettings({ ALSES_SMTP_URL: 'smtps://alses:p%40ss@relais.exemple.fr' });
    expect(inUrl).toMatchObject({ port: 465, secure: true, auth: { user: 'alses', pass: 'p@ss' }, display: 'smtps://relais.exemple.fr:465' });
    await chmod(file, 0o644);
    await expect(readSmtpSettings({ ALSES_SMTP_URL: 'smtp://relais.exemple.fr', ALSES_SMTP_USER: 'alses', ALSES_SMTP_PASSWORD_FILE: file })).rejects.toThrow(/lisible par tous les utilisateurs/);
    await expect(readSmtpSettings({ ALSES_SMTP_URL: 'smtp://relais.exemple.fr', ALSES_SMTP_USER: 'alses', ALSES_SMTP_PASSWORD_FILE: path.join(dir, 'absent') })).rejects.toThrow(
      /Fichier de mot de passe « .*absent » \(ALSES_SMTP_PASSWORD_FILE\) illisible : fichier introuvable \(ENOENT\) \(attendu : /,
    );
    await expect(readSmtpSettings({ ALSES_SMTP_URL: 'smtp://relais.exemple.fr', ALSES_SMTP_USER: 'alses' })).rejects.toThrow(/Identifiants SMTP incomplets/);
    await expect(readSmtpSettings({ ALSES_SMTP_URL: 'http://relais.exemple.fr' })).rejects.toThrow(/invalide \(attendu : smtp:\/\/serveur:port/);
  });
});

describe('sendWithRetry: what is retried', () => {
  const message = monthlyMessage({
    context: { mois: '2019-08', date: '2019-08-31', datePrecedente: '2019-07-31', premierMois: false, chiffresCles: [], changements: null },
    baseName: 'rapport-mensuel-2019-08',
    version: 'ab'.repeat(32),
    domain: 'exemple.fr',
    attachments: [],
  });
  const failing = (errors: object[]): { transmit: Transmit; calls: () => number } => {
    let calls = 0;
    return {
      transmit: async () => {
        const err = errors[calls++];
        if (err) throw Object.assign(new Error('refusé'), err);
        return { response: '250 OK', accepted: ['a@x.fr'], rejected: [] };
      },
      calls: () => calls,
    };
  };

  it('a 4xx reply or a dropped connection is retried after each delay; a 5xx is not', async () => {
    const waits: number[] = [];
    const temporary = failing([{ responseCode: 451, response: '451 4.7.1 Greylisted' }, { code: 'ECONNECTION' }]);
    expect(await sendWithRetry(temporary.transmit, message, { to: ['a@x.fr'] }, [100, 200, 300], async (ms) => void waits.push(ms))).toMatchObject({ ok: true, attempts: 3 });
    expect(waits).toEqual([100, 200]);
    const permanent = failing([{ responseCode: 550, response: '550 5.1.1 Mailbox unknown' }]);
    expect(await sendWithRetry(permanent.transmit, message, { to: ['a@x.fr'] }, [100], async () => undefined)).toMatchObject({
      ok: false,
      permanent: true,
      attempts: 1,
      error: 'le serveur SMTP a répondu « 550 5.1.1 Mailbox unknown »',
    });
    expect(permanent.calls()).toBe(1);
  });
});
