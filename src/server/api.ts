/**
 * The JSON API of the web server: the documents the data offer, a document's download, and the
 * validation of uploaded files (kept only for the request).
 */
import type { FastifyInstance } from 'fastify';
import { DOWNLOADS, splitName, type Download, type ServerContext } from './context.ts';
import { HttpProblem, withoutRow } from './problems.ts';
import { Workspaces } from './workspace.ts';

/** Adds the routes under `/api/`. */
export function apiRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/documents', async (request) => {
    const state = await ctx.stateOf(request);
    if (!state.valide) throw new HttpProblem(422, 'Données invalides : aucun document ne peut être produit.', state.problemes.map(withoutRow));
    return { documents: state.documents.map((d) => ({ id: d.id, title: d.title, description: d.description, parameters: d.parameters, formats: [...d.formats, 'zip'] })) };
  });

  app.get('/api/documents/:fichier', async (request, reply) => {
    const { id, ext } = splitName((request.params as { fichier: string }).fichier);
    if (ext === undefined || !(DOWNLOADS as readonly string[]).includes(ext)) throw new HttpProblem(404, `Adresse attendue : /api/documents/<id>.{${DOWNLOADS.join('|')}}`);
    return ctx.download(request, reply, id, ext as Download);
  });

  app.post('/api/validation', async (request, reply) => {
    const files = await ctx.uploads(request);
    const id = `api-${Workspaces.newId()}`;
    try {
      const ws = await ctx.workspaces.replace(id, files);
      const state = await ctx.run({ kind: 'inspect', source: ws.source, templatesDir: ctx.options.templatesDir }, true);
      return reply.code(state.valide ? 200 : 422).send({ valide: state.valide, problemes: state.problemes.map(withoutRow) });
    } finally {
      await ctx.workspaces.drop(id);
    }
  });
}
