/**
 * The routes of the web page: the home page (the data, their problems, the documents, the monthly
 * reports), uploading a workbook into the session's workspace and saving it to the data folder,
 * producing a monthly report, and each document's preview and downloads.
 */
import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BACKUP_FOLDER, catalogueWarning, dataChangedMessage, latestReportMonth, listMonthlyReports, monthlyReportFile, type DataState, type DocumentInfo, type DocumentParameters, type Format } from './engine.ts';
import { CONTENT_TYPES, DOWNLOADS, sessionId, splitName, type Download, type ServerContext } from './context.ts';
import { documentPage, homePage, STYLE, type Html, type Notice } from './html.ts';
import { catalogueHtml, catalogueRoutes } from './catalogue.ts';
import { JobLimitError } from './pool.ts';
import { countOf } from '../format.ts';
import { formatDate, formatMonth, isIsoDate, parisDay } from '../dates.ts';
import { failureStatus, HttpProblem, tooLarge } from './problems.ts';
import { UploadError, Workspaces, SESSION_COOKIE, type UploadedFile } from './workspace.ts';
import type { TaskValues } from './tasks.ts';

/** Adds the page's routes; `outDir` is where the monthly reports are. */
export function pageRoutes(app: FastifyInstance, ctx: ServerContext, outDir: string): void {
  const { dataDir, templatesDir, uploadLimit } = ctx.options;

  /** Sends the home page, with a notice and the status of what was just done. */
  const home = async (request: FastifyRequest, reply: FastifyReply, notice?: Notice, status = 200, catalogue?: Html, title?: string) => {
    const ws = ctx.workspaceOf(request);
    // The catalogue is edited in data/: offered with the data of data/, not with data uploaded here.
    if (!ws && !catalogue) catalogue = await catalogueHtml(ctx).catch(() => undefined);
    let state: DataState | undefined;
    let stateError: string | undefined;
    try {
      state = await ctx.stateOf(request);
    } catch (err) {
      if (!(err instanceof HttpProblem || err instanceof JobLimitError)) throw err;
      stateError = err.message;
      if (status === 200) status = err instanceof HttpProblem ? err.status : 422;
    }
    // What « Enregistrer dans les données » would write, for valid data uploaded here (as
    // `alses import` shows it); not shown when it cannot be worked out (a limit of the pool…).
    // One fingerprint of data/ for both the plan shown and the save form, which sends it back.
    const dataFingerprint = ws && state?.valide ? await ctx.dataFingerprint() : undefined;
    const changes = dataFingerprint ? await ctx.changesOf(request, dataFingerprint).catch(() => undefined) : undefined;
    const page = homePage({
      ...(changes ? { changes } : {}),
      ...(dataFingerprint ? { dataFingerprint } : {}),
      dataLabel: ws ? `Données déposées sur cette page : ${ws.label}` : `Données du dossier ${dataDir}/`,
      workspace: ws !== undefined,
      ...(state ? { state } : {}),
      ...(stateError ? { stateError } : {}),
      reports: await listMonthlyReports(outDir),
      lastMonth: latestReportMonth(),
      today: parisDay(new Date()),
      uploadLimit,
      ...(notice ? { notice } : {}),
      ...(catalogue && !ws ? { catalogue } : {}),
      ...(title ? { title } : {}),
    });
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  };

  app.get('/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(STYLE));

  app.get('/', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    let notice: Notice | undefined;
    // Counts come from the address: shown only when they are counts.
    const count = (v: string | undefined): number | undefined => (/^\d{1,6}$/.test(v ?? '') ? Number(v) : undefined);
    if (q.fait === 'enregistre' && count(q.ecrits) !== undefined && count(q.inchanges) !== undefined) {
      // The backup folder's name is a time stamp (`alses import`'s): anything else in the address is not shown.
      const backup = /^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(-\d+)?$/.test(q.sauvegarde ?? '') ? ` Version précédente des fichiers remplacés gardée dans ${dataDir}/${BACKUP_FOLDER}/${q.sauvegarde}/.` : '';
      notice = { kind: 'succes', text: `Données enregistrées dans ${dataDir}/ : ${countOf(count(q.ecrits)!, 'fichier écrit', 'fichiers écrits')}, ${countOf(count(q.inchanges)!, 'inchangé', 'inchangés')}.${backup}` };
    }
    if (q.fait === 'rapport' && /^\d{4}-\d{2}$/.test(q.mois ?? '') && isIsoDate(`${q.mois}-01`)) {
      // Stale data (as `alses monthly` exit 6): said here too, not only inside the report.
      const stale = q.ancien !== undefined && isIsoDate(q.ancien)
        ? ` Attention : données anciennes, l'état ou le déploiement le plus récent date du ${formatDate(q.ancien)} ; ajoutez le nouvel état (classeur déposé sur cette page, ou « alses etat »), puis produisez à nouveau le rapport.`
        : '';
      notice = { kind: 'succes', text: `Rapport mensuel de ${formatMonth(q.mois!)} ${q.etat === 'unchanged' ? 'déjà à jour (fichiers inchangés)' : 'produit'}.${stale}` };
    }
    if (q.fait === 'catalogue' && q.id) {
      // Worked out from the data, not carried by the address: a date that is no état's (staff trial).
      const warning = await catalogueWarning(dataDir, q.id);
      notice = {
        kind: 'succes',
        text: `Document « ${q.id} » ajouté au catalogue de ${dataDir}/dispositif.yaml : il figure dans la liste des documents ci-dessous, prêt à télécharger.${warning ? ` Attention : ${warning}` : ''}`,
      };
    }
    if (q.fait === 'retire' && q.id) notice = { kind: 'succes', text: `Document « ${q.id} » retiré du catalogue de ${dataDir}/dispositif.yaml (ses fichiers déjà produits restent).` };
    return home(request, reply, notice);
  });

  catalogueRoutes(app, ctx, home);

  app.post('/donnees', async (request, reply) => {
    let files: UploadedFile[];
    try {
      files = await ctx.uploads(request);
    } catch (err) {
      const e = err as Error & { code?: string };
      const status = err instanceof HttpProblem ? err.status : e.code?.startsWith('FST_') && /LIMIT|LARGE/.test(e.code) ? 413 : undefined;
      if (status === undefined) throw err;
      return home(request, reply, { kind: 'echec', text: status === 413 ? tooLarge(uploadLimit, ' en tout, 20 fichiers') : e.message }, status);
    }
    const id = sessionId(request) && ctx.workspaceOf(request) ? sessionId(request)! : Workspaces.newId();
    try {
      await ctx.workspaces.replace(id, files);
    } catch (err) {
      if (!(err instanceof UploadError)) throw err;
      return home(request, reply, { kind: 'echec', text: err.message }, 400);
    }
    reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`);
    return reply.redirect('/', 303);
  });

  app.post('/donnees/abandonner', async (request, reply) => {
    const id = sessionId(request);
    if (id) await ctx.workspaces.drop(id);
    return reply.redirect('/', 303);
  });

  app.post('/donnees/enregistrer', async (request, reply) => {
    const ws = ctx.workspaceOf(request);
    if (!ws)
      return home(
        request,
        reply,
        {
          kind: 'echec',
          // A session cookie without its workspace: dropped (the server keeps the 20 latest uploads, and none after a restart).
          text: sessionId(request)
            ? "Rien n'a été écrit : les données déposées depuis ce navigateur ne sont plus sur le serveur (il garde les 20 dépôts les plus récents, et aucun après un redémarrage). Déposez de nouveau le classeur."
            : 'Aucune donnée déposée à enregistrer : déposez d\'abord un classeur.',
        },
        400,
      );
    // What the page showed is what is written: data/ changed since (another session saved, a
    // command wrote) means another plan, shown again rather than written unseen.
    // Checked here, and again under data/'s lock by the job (two saves sent at once).
    const shown = (request.body as Record<string, unknown> | undefined)?.['donnees'];
    if (typeof shown !== 'string' || !/^[0-9a-f]{64}$/.test(shown))
      return home(request, reply, { kind: 'echec', text: "Rien n'a été écrit : le formulaire envoyé ne dit pas quelles données la page montrait (champ « donnees » absent). Rechargez la page, vérifiez ce que l'enregistrement écrira, puis enregistrez." }, 400);
    if (shown !== (await ctx.dataFingerprint())) return home(request, reply, { kind: 'echec', text: dataChangedMessage(dataDir) }, 409);
    let result: TaskValues['save'];
    try {
      result = await ctx.run({ kind: 'save', source: ws.source, dataDir, shown }, true);
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 409) return home(request, reply, { kind: 'echec', text: err.message }, 409);
      throw err;
    }
    if (result.diagnostics.some((d) => d.severity === 'error')) return home(request, reply, { kind: 'echec', text: 'Rien n\'a été écrit : les données ont des erreurs.' }, 422);
    await ctx.workspaces.drop(ws.id);
    const backup = result.backup ? `&sauvegarde=${encodeURIComponent(result.backup)}` : '';
    return reply.redirect(`/?fait=enregistre&ecrits=${result.written.length}&inchanges=${result.unchanged.length}${backup}`, 303);
  });

  app.post('/rapports', async (request, reply) => {
    const mois = String((request.body as Record<string, unknown> | undefined)?.mois ?? '').trim();
    const result = await ctx.pool.run({ kind: 'monthly', source: ctx.dataSource, templatesDir, outDir, month: mois });
    if (!result.ok) return home(request, reply, { kind: 'echec', text: result.error.message }, failureStatus(result.error, false));
    const stale = result.value.stale ? `&ancien=${encodeURIComponent(result.value.stale)}` : '';
    return reply.redirect(`/?fait=rapport&mois=${encodeURIComponent(mois)}&etat=${result.value.status}${stale}`, 303);
  });

  // The starting workbook of a new état, from data/ (README, « Chaque année », « Avec un classeur »).
  app.get('/classeur.xlsx', async (request, reply) => {
    const au = String((request.query as Record<string, unknown>).au ?? '').trim();
    if (!isIsoDate(au)) return home(request, reply, { kind: 'echec', text: `Date « ${au} » invalide pour le classeur de départ (attendu : une date du calendrier, ex. 15/07/2020).` }, 400);
    let file;
    try {
      file = await ctx.run({ kind: 'classeur', source: ctx.dataSource, au }, false);
    } catch (err) {
      if (!(err instanceof HttpProblem) || err.status >= 500) throw err;
      return home(request, reply, { kind: 'echec', text: `Classeur de départ : ${err.message}` }, err.status);
    }
    return reply
      .type(CONTENT_TYPES.xlsx)
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(file.bytes));
  });

  app.get('/rapports/:fichier', async (request, reply) => {
    const name = (request.params as { fichier: string }).fichier;
    const file = await monthlyReportFile(outDir, name);
    if (!file) throw new HttpProblem(404, `Rapport « ${name} » introuvable dans le dossier de sortie`);
    const ext = splitName(name).ext as Format;
    return reply.type(CONTENT_TYPES[ext]).header('content-disposition', `attachment; filename="${name}"`).send(await readFile(file, { flag: constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK }));
  });

  app.get('/documents/:fichier', async (request, reply) => {
    const { id, ext } = splitName((request.params as { fichier: string }).fichier);
    if (ext !== undefined) {
      if (!(DOWNLOADS as readonly string[]).includes(ext)) throw new HttpProblem(404, `Format « ${ext} » inconnu (attendu : ${DOWNLOADS.join(', ')})`);
      return ctx.download(request, reply, id, ext as Download);
    }
    let document: DocumentInfo;
    let values: DocumentParameters;
    try {
      ({ document, values } = await ctx.documentOf(request, id));
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 400) {
        const state = await ctx.stateOf(request);
        const doc = state.documents.find((d) => d.id === id)!;
        return reply.code(400).type('text/html; charset=utf-8').send(documentPage({ document: doc, values: {}, error: err.message }));
      }
      throw err;
    }
    try {
      const { pages } = await ctx.preview(request, id, values);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(documentPage({ document, values, pages: pages.length }));
    } catch (err) {
      if (!(err instanceof HttpProblem || err instanceof JobLimitError)) throw err;
      return reply
        .code(err instanceof HttpProblem ? err.status : 422)
        .type('text/html; charset=utf-8')
        .send(documentPage({ document, values, error: err.message }));
    }
  });

  app.get('/documents/:id/pages/:page', async (request, reply) => {
    const { id, page } = request.params as { id: string; page: string };
    const n = /^(\d{1,4})\.png$/.exec(page)?.[1];
    if (!n) throw new HttpProblem(404, `Page « ${page} » inconnue`);
    const { values } = await ctx.documentOf(request, id);
    const { pages } = await ctx.preview(request, id, values);
    const png = pages[Number(n) - 1];
    if (!png) throw new HttpProblem(404, `Page ${n} absente (le document a ${countOf(pages.length, 'page', 'pages')})`);
    return reply.type(CONTENT_TYPES.png).header('cache-control', 'private, max-age=60').send(Buffer.from(png));
  });
}
