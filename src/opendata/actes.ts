/**
 * Matière names of the ACTES nomenclature (Aide au Contrôle de légaliTé dématErialiSé), as the
 * SCDL « Délibérations » schema wants them in `DELIB_MATIERE_NOM`: the level-1 name, `/`, the
 * level-2 name, lower case with accents, no comma nor parenthesis.
 *
 * Source: the ACTES classification (matières 7 « Finances locales », 8 « Domaines de compétences
 * par thèmes », 9 « Autres domaines de compétences ») as transmitted to the préfectures; the
 * level-1 names are those the SCDL validator (Validata, `nomenclature-actes-value`) accepts. Only
 * the matières a Département's social schemes plausibly use are listed: another code is refused
 * by `alses opendata` with a message asking to add it here, after checking the préfecture's table.
 * 7.9 (« Prise de participation (SEM, etc.) ») is left out: its name holds a parenthesis.
 */

/** Matière code → `DELIB_MATIERE_NOM`. */
export const ACTES_MATIERES: Readonly<Record<string, string>> = {
  '7.1': 'finances locales/décisions budgétaires',
  '7.2': 'finances locales/fiscalité',
  '7.3': 'finances locales/emprunts',
  '7.4': 'finances locales/interventions économiques',
  '7.5': 'finances locales/subventions',
  '7.6': 'finances locales/contributions budgétaires',
  '7.7': 'finances locales/avances',
  '7.8': 'finances locales/fonds de concours',
  '7.10': 'finances locales/divers',
  '8.1': 'domaines de compétences par thèmes/enseignement',
  '8.2': 'domaines de compétences par thèmes/aide sociale',
  '8.3': 'domaines de compétences par thèmes/voirie',
  '8.4': 'domaines de compétences par thèmes/aménagement du territoire',
  '8.5': 'domaines de compétences par thèmes/politique de la ville-habitat-logement',
  '8.6': 'domaines de compétences par thèmes/emploi-formation professionnelle',
  '8.7': 'domaines de compétences par thèmes/transports',
  '8.8': 'domaines de compétences par thèmes/environnement',
  '8.9': 'domaines de compétences par thèmes/culture',
  '9.1': 'autres domaines de compétences/autres domaines de compétences des communes',
  '9.2': 'autres domaines de compétences/autres domaines de compétences des départements',
  '9.3': 'autres domaines de compétences/autres domaines de compétences des régions',
  '9.4': 'autres domaines de compétences/vœux et motions',
};

/** Level-1 names of the ACTES nomenclature (what may precede the `/` of a matière name). */
export const ACTES_LEVEL1 = [
  'commande publique',
  'urbanisme',
  'domaine et patrimoine',
  'fonction publique',
  'institutions et vie politique',
  'libertés publiques et pouvoirs de police',
  'finances locales',
  'domaines de compétences par thèmes',
  'autres domaines de compétences',
] as const;
