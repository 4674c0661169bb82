/**
 * The commands of `alses`: the usage and French summary of each (what the top-level help shows),
 * and its module, loaded only for the command that runs. So `alses --version` or `alses --help`
 * loads no renderer, workbook reader, chart library, mail client or web server (README,
 * « Installation pour l'exploitation »). Each command module spreads its entry here
 * (`...COMMANDS.render`), so usage and summary are written once.
 */
import type { CommandModule } from 'yargs';

/** A command's usage and summary, and how to load its module. */
export interface CommandEntry {
  /** Usage, as yargs reads it: `render [documents..]`. */
  readonly command: string;
  /** One French line, shown by `alses --help`. */
  readonly describe: string;
  /** Imports the command's module (its jobs and libraries with it). */
  // `any`: each command has its own arguments.
  readonly load: () => Promise<CommandModule<object, any>>;
}

/** Every command, in the order of the help. */
export const COMMANDS = {
  validate: {
    command: 'validate',
    describe: 'Vérifier les données et les modèles, et lister tous les problèmes',
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  render: {
    command: 'render [documents..]',
    describe: 'Produire les documents (PDF, DOCX, HTML) : ceux du catalogue de dispositif.yaml, ou un modèle avec ses paramètres',
    load: async () => (await import('./render.ts')).renderCommand,
  },
  templates: {
    command: 'templates',
    describe: 'Lister les documents du catalogue et les modèles, leur titre et les données dont ils ont besoin',
    load: async () => (await import('./templates.ts')).templatesCommand,
  },
  monthly: {
    command: 'monthly',
    describe: 'Produire le rapport mensuel (PDF, DOCX, HTML) ; pour une tâche planifiée',
    load: async () => (await import('./monthly.ts')).monthlyCommand,
  },
  import: {
    command: 'import <source>',
    describe: 'Vérifier un classeur Excel (.xlsx) ou un dossier de CSV, montrer ce qui change, puis écrire les fichiers de données canoniques',
    load: async () => (await import('./import.ts')).importCommand,
  },
  verify: {
    command: 'verify [dossier]',
    describe: "Vérifier qu'aucun fichier produit n'a été modifié, supprimé ou ajouté depuis (manifest.json)",
    load: async () => (await import('./verify.ts')).verifyCommand,
  },
  etat: {
    command: 'etat',
    describe: 'Écrire le nouvel état à une date, calculé à partir du précédent et des déploiements',
    load: async () => (await import('./etat.ts')).etatCommand,
  },
  classeur: {
    command: 'classeur',
    describe: "Écrire le classeur de départ d'un nouvel état (l'état calculé à une date, les délibérations, structures et déploiements), à corriger puis importer",
    load: async () => (await import('./classeur.ts')).classeurCommand,
  },
  deliberation: {
    command: 'deliberation',
    describe: 'Délibérations du dispositif (ajouter)',
    load: async () => (await import('./deliberation.ts')).deliberationCommand,
  },
  deploiement: {
    command: 'deploiement',
    describe: 'Déploiements de postes (ajouter)',
    load: async () => (await import('./deploiement.ts')).deploiementCommand,
  },
  document: {
    command: 'document',
    describe: 'Catalogue des documents annexés aux délibérations (ajouter, supprimer)',
    load: async () => (await import('./document.ts')).documentCommand,
  },
  serve: {
    command: 'serve',
    describe: 'Ouvrir la page web des services : vérifier les données, prévisualiser et télécharger les documents',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  signer: {
    command: 'signer <pdf..>',
    describe: 'Signer électroniquement des PDF (PAdES B-B) avec un certificat .p12',
    load: async () => (await import('./signer.ts')).signerCommand,
  },
  cles: {
    command: 'cles',
    describe: 'Créer la paire de clés (Ed25519) qui signe les manifestes',
    load: async () => (await import('./cles.ts')).clesCommand,
  },
  opendata: {
    command: 'opendata',
    describe: 'Produire les délibérations en données ouvertes (CSV du schéma scdl/deliberations)',
    load: async () => (await import('./opendata.ts')).opendataCommand,
  },
} as const satisfies Record<string, CommandEntry>;

/** A command's name: `render`, `monthly`… */
export type CommandName = keyof typeof COMMANDS;

/** The usage and summary of a command, for its module to spread. */
export const usage = (name: CommandName): { command: string; describe: string } => ({ command: COMMANDS[name].command, describe: COMMANDS[name].describe });

/**
 * The modules of the commands named in `argv` (any word equal to a command's name: yargs takes
 * the command wherever it stands among the options), loaded; the others stay unloaded.
 */
export async function loadNamedCommands(argv: readonly string[]): Promise<Map<CommandName, CommandModule<object, unknown>>> {
  const names = [...new Set(argv.filter((a): a is CommandName => Object.hasOwn(COMMANDS, a)))];
  return new Map(await Promise.all(names.map(async (n) => [n, (await COMMANDS[n].load()) as CommandModule<object, unknown>] as const)));
}
