/**
 * Every rule the product checks, by stable id, with a French description (for
 * `alses validate --help`, the README, and tests that no id goes undocumented). A `Diagnostic`'s
 * `ruleId` is a `RuleId`: an id missing from `RULES` does not compile.
 *
 * Ids are `family/rule`; the family says where the problem is: the data (`file`, `yaml`, `csv`,
 * `xlsx`, `etp`…), a template (`template`), or a document a writer cannot show as asked
 * (`writer`, `document`, `docx`, `html`).
 */

/** Rules of the data: `dispositif.yaml` and the état and déploiement tables (`src/dataset/`). */
export const DATASET_RULES = {
  'file/missing': 'fichier introuvable (dispositif.yaml ou fichier CSV nommé dans dispositif.yaml)',
  'file/unreadable': 'fichier illisible (droits, dossier, tube ou périphérique au lieu d’un fichier ordinaire…)',
  'file/outside': 'fichier nommé dans dispositif.yaml hors du dossier de données (../, chemin absolu, lien symbolique qui en sort)',
  'file/too-large': 'fichier de données plus gros que la limite (64 Mio par défaut, ALSES_TAILLE_MAX_FICHIER_MO), ou CSV de plus de 150 000 lignes (ALSES_CSV_LIGNES_MAX)',
  'file/unlisted': 'fichier .csv du dossier de données que dispositif.yaml ne nomme pas : il n’est pas lu (avertissement)',
  'yaml/syntax': 'syntaxe YAML invalide',
  'yaml/tag': 'étiquette YAML inconnue (!!js/function, !include, !foo…) : jamais lue comme du texte',
  'yaml/glyph': 'valeur de dispositif.yaml avec un caractère que la police des documents ne peut pas imprimer (emoji, idéogramme…)',
  'yaml/alias': 'alias YAML trop nombreux (expansion exponentielle) ou sans ancre',
  'yaml/required': 'champ obligatoire absent de dispositif.yaml',
  'yaml/unknown-key': 'clé inconnue dans dispositif.yaml (faute de frappe ?)',
  'yaml/schema': 'valeur de type ou de forme inattendue dans dispositif.yaml',
  'date/invalid': 'date hors calendrier ou pas au format AAAA-MM-JJ',
  'objectif/depuis-required': 'objectif de type "creations" sans date "depuis"',
  'id/duplicate': 'id, date d’état ou sigle déclaré deux fois dans dispositif.yaml',
  'deliberation/unknown': 'délibération citée mais non déclarée dans "deliberations"',
  'deliberation/matiere': 'code matière (nomenclature ACTES) d’une délibération mal formé (attendu : "8.2", entre guillemets)',
  'siret/format': 'SIRET de la collectivité autre que 14 chiffres (entre guillemets)',
  'siret/checksum': 'SIRET de la collectivité dont la clé de contrôle (Luhn) est fausse',
  'opendata/siret': 'alses opendata : SIRET de la collectivité absent de dispositif.yaml',
  'opendata/matiere': 'alses opendata : code matière absent ou inconnu pour une délibération',
  'opendata/formula': 'alses opendata : valeur commençant par = + - @, une tabulation ou un retour chariot (formule pour un tableur)',
  'document/deploiement-unknown': 'document du catalogue dont le déploiement n’est pas déclaré dans "deploiements"',
  'logo/outside': 'logo de la collectivité (collectivite.logo) hors du dossier de données',
  'logo/image': 'logo de la collectivité (collectivite.logo) qui n’est pas une image PNG, JPEG ou SVG lisible (format, fichier abîmé, JPEG en CMJN, SVG qui appelle un fichier extérieur)',
  'document/deliberation-mismatch': 'document du catalogue dont la délibération diffère de celle de son déploiement',
  'file/type': 'fichier donné à la place du dossier de données ou d’un classeur .xlsx (.csv, .xls, .ods…)',
  'csv/binary': 'fichier binaire (classeur, PDF, image…) à la place d’un CSV',
  'csv/encoding': 'fichier CSV ni en UTF-8 ni en Windows-1252, ou texte mal converti (« Ã© » pour « é »)',
  'csv/syntax': 'ligne CSV illisible (guillemets)',
  'csv/empty': 'fichier CSV vide ou sans ligne après l’en-tête',
  'csv/separator': 'séparateur autre que le point-virgule, la virgule ou la tabulation',
  'csv/missing-column': 'colonne obligatoire absente de l’en-tête',
  'csv/unknown-column': 'colonne inconnue ou sans en-tête',
  'csv/duplicate-column': 'même colonne présente deux fois',
  'csv/field-count': 'ligne avec un nombre de champs différent de l’en-tête',
  'xlsx/format': 'fichier qui n’est pas un classeur .xlsx (.xls, .ods…)',
  'xlsx/unreadable': 'classeur .xlsx endommagé ou incomplet',
  'xlsx/too-large': 'classeur trop volumineux une fois décompressé, ou feuille au-delà des limites de lignes, de colonnes ou de cellules (README « Limites »)',
  'xlsx/zip-bomb': 'partie du classeur compressée au-delà du taux permis (archive piégée ou endommagée)',
  'xlsx/missing-sheet': 'feuille d’un état ou d’un déploiement de dispositif.yaml absente du classeur',
  'xlsx/sheet-duplicate': 'deux feuilles visibles pour le même état ou déploiement',
  'xlsx/hidden-sheet': 'feuille masquée : erreur si c’est celle d’un état ou d’un déploiement, sinon ignorée (avertissement)',
  'xlsx/unused-sheet': 'feuille non vide qui ne correspond à aucun état ni déploiement (avertissement)',
  'xlsx/sheet-name': 'feuille nommée comme un état mais avec une date invalide, ou dont le nom commence comme celui d’un état ou d’un déploiement sans en être un',
  'xlsx/formula': 'cellule calculée par une formule sans valeur enregistrée',
  'xlsx/cell-error': 'cellule en erreur (#DIV/0!, #REF!, #N/A…)',
  'xlsx/empty': 'feuille vide ou sans ligne après l’en-tête',
  'xlsx/missing-column': 'colonne obligatoire absente de l’en-tête de la feuille',
  'xlsx/unknown-column': 'colonne inconnue ou sans en-tête dans la feuille',
  'xlsx/duplicate-column': 'même colonne présente deux fois dans la feuille',
  'xlsx/extra-cell': 'valeur à droite du tableau, dans une colonne sans en-tête',
  'xlsx/required': 'cellule obligatoire vide ou invalide dans une feuille « Délibérations », « Structures porteuses » ou « Déploiements »',
  'xlsx/dispositif-mismatch': 'ligne d’une feuille « Délibérations », « Structures porteuses » ou « Déploiements » différente de dispositif.yaml, qui est gardé tel quel (avertissement)',
  'cell/too-long': 'cellule de plus de 200 caractères',
  'total/mismatch': 'ligne TOTAL différente de la somme calculée des ETP',
  'total/number': 'ligne TOTAL dont la valeur n’est pas un nombre',
  'commune/required': 'commune vide',
  'college/required': 'nom du collège vide',
  'cell/glyph': 'caractère que la police des documents ne peut pas imprimer (emoji, idéogramme…) dans un nom de commune, de collège ou de structure',
  'cell/script': 'lettre cyrillique ou grecque (semblable à une lettre latine) dans un nom de commune, de collège ou de structure',
  'cell/formula': 'commune ou collège commençant par = + - @, une tabulation ou un retour chariot (formule pour un tableur)',
  'college/duplicate': 'même collège (commune + nom) deux fois dans un état ou un déploiement',
  'commune/spelling': 'même commune écrite de deux façons (casse, accents, espaces, tirets) (avertissement)',
  'college/spelling': 'même collège écrit de deux façons (casse, accents, espaces, tirets) (avertissement)',
  'structure-porteuse/required': 'structure porteuse vide dans un état',
  'structure-porteuse/unknown': 'structure porteuse non déclarée dans dispositif.yaml',
  'etp/required': 'ETP vide',
  'etp/number': 'ETP qui n’est pas un nombre',
  'etp/range': 'ETP hors de ]0 ; 1]',
  'etp/precision': 'ETP avec plus de deux décimales',
  'education-prioritaire/value': 'éducation prioritaire autre que REP ou REP+',
  'uai/format': 'UAI autre que 7 chiffres et une lettre',
  'uai/check-letter': 'UAI dont la lettre de contrôle ne correspond pas aux 7 chiffres',
  'uai/duplicate': 'même UAI donné à deux collèges différents d’un état ou d’un déploiement',
  'insee/format': 'code INSEE de commune autre que 5 caractères (2A/2B pour la Corse)',
  'import/path': 'alses import : fichier d’un état ou d’un déploiement hors du dossier de destination',
  'deploiement/already-present': 'collège déployé qui a déjà un ALSES dans l’état auquel le déploiement s’ajoute',
  'data/interrupted': 'dossier de données dont une écriture (alses import, document ajouter…) est en cours ou a été interrompue : fichiers en partie anciens, en partie nouveaux',
  'data/stale': 'données anciennes : l’état ou le déploiement le plus récent date de plus de N mois avant le rapport mensuel (avertissement, code de sortie 6)',
  'etat/before-first': 'état demandé à une date antérieure au premier état des données',
  'deploiement/absent-from-etat': 'déploiement effectif au plus tard à la date d’un état, dont les collèges manquent au premier état daté de son effet ou après',
  'deploiement/effet-before-deliberation': 'déploiement effectif avant la délibération qui le décide (avertissement : souvent une faute dans l’année de la date d’effet)',
} as const;

/** Rules of the templates: files, Handlebars, front matter, the HTML subset (`src/templates/`, `src/document/`, `src/reports/`). */
export const TEMPLATE_RULES = {
  'template/folder': 'dossier des modèles introuvable ou illisible',
  'template/none': 'aucun modèle .hbs dans le dossier des modèles',
  'template/outside': 'modèle ou partiel qui est un lien symbolique vers un fichier hors du dossier des modèles (il n’est pas lu)',
  'template/unknown': 'modèle demandé absent du dossier des modèles',
  'template/kind': 'rapport mensuel demandé à « alses render » (il se produit avec « alses monthly »)',
  'template/front-matter': 'en-tête YAML du modèle absent, invalide ou incomplet',
  'template/syntax': 'erreur de syntaxe Handlebars',
  'template/unreadable': 'modèle illisible, ou dossier nommé comme un modèle (x.hbs)',
  'template/helper': 'appel d’une aide qui n’existe pas ({{formate x}})',
  'template/partial': 'partiel appelé ({{> nom}}) absent du dossier partials/',
  'template/partial-cycle': 'partiel qui s’appelle lui-même, directement ou par un autre',
  'template/unescaped': 'expression {{{ … }}} ou {{& … }} non échappée',
  'template/prototype': 'expression qui nomme un mécanisme interne d’objet (__proto__, constructor…) au lieu d’une donnée',
  'template/render': 'erreur à l’exécution du modèle (champ absent, aide mal employée…)',
  'template/object-value': 'expression qui affiche un objet ou une liste au lieu d’un texte',
  'template/data': 'délibération, état ou déploiement nommé par l’en-tête absent des données',
  'template/date': 'date du document inconnue ou invalide',
  'render/scope': 'documents empêchés par des erreurs dans les fichiers qu’ils lisent, et ceux qui peuvent être produits en les nommant (avertissement)',
  'template/parameter': 'paramètre d’un modèle absent, en trop ou invalide (au, deploiement), ou document du catalogue dont le modèle est inconnu',
  'template/unknown-tag': 'balise hors du sous-ensemble HTML documenté',
  'template/unknown-attribute': 'attribut hors du sous-ensemble HTML documenté',
  'template/attribute-value': 'valeur d’attribut invalide (align, colspan, largeur, taille d’image, <hr>)',
  'template/misplaced-tag': 'balise autorisée mais mal placée (ex. <td> hors de <tr>)',
  'template/loose-text': 'texte ou balise de texte hors d’un paragraphe, d’un titre, d’un élément de liste ou d’une cellule',
  'template/empty-list': 'liste sans élément',
  'template/table-columns': 'tableau sans largeurs de colonnes ou dont les largeurs ne font pas 100 %',
  'template/table-row-width': 'ligne de tableau qui ne couvre pas toutes les colonnes',
  'template/image-alt': 'image sans texte de remplacement',
  'template/image-src': 'source d’image inconnue (attendu : chart:<nom>)',
} as const;

/** Rules of the documents and writers: what a format cannot show as asked (`src/writers/`). */
export const WRITER_RULES = {
  'document/date': 'date du document invalide',
  'writer/table-empty': 'tableau sans colonne, non affiché (avertissement)',
  'writer/table-width': 'largeurs de colonnes absentes ou dont la somme n’est pas 100 %, corrigées (avertissement)',
  'writer/table-colspan': 'ligne de tableau complétée ou tronquée à la largeur du tableau (avertissement)',
  'writer/image-data': 'image dont les données ne sont pas au format annoncé : texte de remplacement (avertissement)',
  'writer/glyph-missing': 'caractère absent de la police du PDF (erreur à la production)',
  'docx/svg-fallback': 'image SVG sans image PNG de repli dans le DOCX (avertissement)',
  'html/unsafe-svg': 'image SVG avec script, gestionnaire d’événement ou objet étranger : texte de remplacement (avertissement)',
} as const;

/** Rules of the files the product keeps beside its outputs, and of the reports it builds (`src/output/`, `src/mail/`, `src/reports/`, `src/charts/`). */
export const OUTPUT_RULES = {
  'manifest/missing': 'alses verify : dossier de sortie sans manifest.json',
  'manifest/invalid': 'manifest.json qui n’est pas le fichier JSON écrit par alses render ou alses monthly',
  'mail/record-invalid': 'registre des envois (.envois.json, .alertes.json) qui n’est pas le fichier JSON écrit par alses monthly',
  'mail/attachment-changed': 'pièce jointe d’un envoi en attente modifiée ou supprimée depuis l’échec de son envoi',
  'chart/value': 'valeur d’un graphique invalide (ETP négatif, dimension, série vide…)',
} as const;

/** Every rule, by id. */
export const RULES = { ...DATASET_RULES, ...TEMPLATE_RULES, ...WRITER_RULES, ...OUTPUT_RULES } as const;

/** Stable id of a rule, e.g. `etp/range`. */
export type RuleId = keyof typeof RULES;
/** Stable id of a dataset rule. */
export type DatasetRuleId = keyof typeof DATASET_RULES;
