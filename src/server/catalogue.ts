/**
 * The catalogue of data/dispositif.yaml from the web server (README, "Page web"): add a document
 * (`alses document ajouter`) or remove one (`alses document supprimer`), from the page's forms
 * and from the JSON API, through the same job as the command (`jobs/dispositif.ts`: every problem
 * at once, the data folder's lock, an atomic write).
 *
 * API: `GET /api/catalogue` (the choices), `POST /api/catalogue` (JSON `{ id, modele, au?,
 * deploiement?, deliberation?, annexe? }`: 201 with `avertissements` when there are some, or 422 with `problemes: [{ champ, message }]`),
 * `DELETE /api/catalogue/<id>` (200, or 404). 409 while another command writes into data/.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlsesError } from '../errors.ts';
import { addDocument, documentChoices, DOCUMENT_FIELDS, DocumentFieldsError, removeDocument, type DocumentField, type DocumentFields, type FieldLabel } from './engine.ts';
import { catalogueSection, pageFieldLabel, type CatalogueValues } from './catalogue-form.ts';
import type { Html } from './html.ts';
import type { Notice } from './html.ts';
import { HttpProblem } from './problems.ts';
import type { ServerContext } from './context.ts';

/** The fields of a request body (form or JSON): strings trimmed, empty ones absent. */
function fieldsOf(body: unknown): { fields: DocumentFields; values: CatalogueValues } {
  const b = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values: Partial<Record<DocumentField, string>> = {};
  for (const f of DOCUMENT_FIELDS) {
    const v = b[f];
    if (Array.isArray(v) || (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number')) throw new HttpProblem(400, `Champ « ${f} » : une seule valeur, texte ou nombre, attendue`);
    const text = v === undefined || v === null ? '' : String(v).trim();
    if (text !== '') values[f] = text;
  }
  return { fields: { ...values, id: values.id ?? '', modele: values.modele ?? '' }, values };
}

/**
 * How the JSON API names a field in its messages: by its JSON name (« le champ au »), not by the
 * command's option (`--au`), which an API client never typed.
 */
const apiFieldLabel: FieldLabel = (field) => `le champ ${field}`;

/** The HTTP status of a refused edit: 409 locked, 404 unknown document, 422 otherwise. */
const statusOf = (err: AlsesError): number => (err.code === 'LOCKED' ? 409 : 422);

/** The home page, with a notice, a status, the catalogue form's values and problems, and the page's title (default « Accueil »). */
export type HomeSender = (request: FastifyRequest, reply: FastifyReply, notice?: Notice, status?: number, catalogue?: Html, title?: string) => Promise<FastifyReply>;

/** The catalogue section of the home page, or none when its choices cannot be read. */
export async function catalogueHtml(ctx: ServerContext, form: { values?: CatalogueValues; problems?: DocumentFieldsError['problems'] } = {}): Promise<Html> {
  const choices = await documentChoices(ctx.options.dataDir, ctx.options.templatesDir);
  return catalogueSection({ choices, ...form });
}

/** Adds the catalogue's routes: the page's forms (`/catalogue`, `/catalogue/retirer`) and the API. */
export function catalogueRoutes(app: FastifyInstance, ctx: ServerContext, home: HomeSender): void {
  const { dataDir, templatesDir } = ctx.options;

  app.post('/catalogue', async (request, reply) => {
    const { fields, values } = fieldsOf(request.body);
    try {
      await addDocument(dataDir, fields, templatesDir, pageFieldLabel);
    } catch (err) {
      if (err instanceof DocumentFieldsError)
        return home(request, reply, undefined, 422, await catalogueHtml(ctx, { values, problems: err.problems }), `Erreur : document non ajouté au catalogue (${err.problems.length === 1 ? 'un problème' : `${err.problems.length} problèmes`})`);
      if (!(err instanceof AlsesError)) throw err;
      return home(request, reply, { kind: 'echec', text: `Le document n'a pas été ajouté : ${err.message}` }, statusOf(err), await catalogueHtml(ctx, { values }));
    }
    return reply.redirect(`/?fait=catalogue&id=${encodeURIComponent(fields.id)}`, 303);
  });

  app.post('/catalogue/retirer', async (request, reply) => {
    const id = fieldsOf(request.body).fields.id;
    // One click removed an entry (staff trial): the form asks for a confirmation, checked here too.
    if ((request.body as Record<string, unknown> | undefined)?.['confirme'] !== 'oui')
      return home(request, reply, { kind: 'echec', text: `Rien n'a été retiré : cochez « Oui, retirer ce document du catalogue » pour confirmer le retrait de « ${id} ».` }, 400);
    try {
      await removeDocument(dataDir, id);
    } catch (err) {
      if (!(err instanceof AlsesError)) throw err;
      return home(request, reply, { kind: 'echec', text: `Rien n'a été retiré : ${err.message}` }, err.code === 'LOCKED' ? 409 : 404);
    }
    return reply.redirect(`/?fait=retire&id=${encodeURIComponent(id)}`, 303);
  });

  app.get('/api/catalogue', async () => documentChoices(dataDir, templatesDir));

  app.post('/api/catalogue', async (request, reply) => {
    const { fields } = fieldsOf(request.body);
    try {
      const { files, warnings } = await addDocument(dataDir, fields, templatesDir, apiFieldLabel);
      return reply.code(201).send({ id: fields.id, fichiers: files, ...(warnings ? { avertissements: warnings } : {}) });
    } catch (err) {
      if (err instanceof DocumentFieldsError) throw new HttpProblem(422, 'Le document n\'a pas été ajouté au catalogue.', err.problems.map((p) => ({ champ: p.field, message: p.message })));
      if (err instanceof AlsesError) throw new HttpProblem(statusOf(err), err.message);
      throw err;
    }
  });

  app.delete('/api/catalogue/:id', async (request) => {
    const { id } = request.params as { id: string };
    try {
      return { id, fichiers: (await removeDocument(dataDir, id)).files };
    } catch (err) {
      if (err instanceof AlsesError) throw new HttpProblem(err.code === 'LOCKED' ? 409 : 404, err.message);
      throw err;
    }
  });
}
