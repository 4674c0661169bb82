/**
 * Every rule the dataset reader checks, by stable id, with a French description (for
 * `alses validate --help`, the README, and tests that no id goes undocumented).
 */
export const DATASET_RULES = {
  'file/missing': 'fichier introuvable (dispositif.yaml ou fichier CSV nommé dans dispositif.yaml)',
  'file/unreadable': 'fichier illisible (droits, dossier au lieu de fichier…)',
  'yaml/syntax': 'syntaxe YAML invalide',
  'yaml/required': 'champ obligatoire absent de dispositif.yaml',
  'yaml/unknown-key': 'clé inconnue dans dispositif.yaml (faute de frappe ?)',
  'yaml/schema': 'valeur de type ou de forme inattendue dans dispositif.yaml',
  'date/invalid': 'date hors calendrier ou pas au format AAAA-MM-JJ',
  'objectif/depuis-required': 'objectif de type "creations" sans date "depuis"',
  'id/duplicate': 'id, date d’état ou sigle déclaré deux fois dans dispositif.yaml',
  'deliberation/unknown': 'délibération citée mais non déclarée dans "deliberations"',
  'csv/encoding': 'fichier CSV non encodé en UTF-8',
  'csv/syntax': 'ligne CSV illisible (guillemets)',
  'csv/empty': 'fichier CSV vide ou sans ligne après l’en-tête',
  'csv/separator': 'séparateur autre que le point-virgule',
  'csv/missing-column': 'colonne obligatoire absente de l’en-tête',
  'csv/unknown-column': 'colonne inconnue ou sans en-tête',
  'csv/duplicate-column': 'même colonne présente deux fois',
  'csv/field-count': 'ligne avec un nombre de champs différent de l’en-tête',
  'csv/total-row': 'ligne TOTAL ignorée (avertissement : les totaux sont calculés)',
  'commune/required': 'commune vide',
  'college/required': 'nom du collège vide',
  'college/duplicate': 'même collège (commune + nom) deux fois dans un état ou un déploiement',
  'structure-porteuse/required': 'structure porteuse vide dans un état',
  'structure-porteuse/unknown': 'structure porteuse non déclarée dans dispositif.yaml',
  'etp/required': 'ETP vide',
  'etp/number': 'ETP qui n’est pas un nombre',
  'etp/range': 'ETP hors de ]0 ; 1]',
  'etp/precision': 'ETP avec plus de deux décimales',
  'education-prioritaire/value': 'éducation prioritaire autre que REP ou REP+',
  'uai/format': 'UAI autre que 7 chiffres et une lettre',
  'deploiement/already-present': 'collège déployé qui a déjà un ALSES dans l’état auquel le déploiement s’ajoute',
} as const;

/** Stable id of a dataset rule. */
export type DatasetRuleId = keyof typeof DATASET_RULES;
