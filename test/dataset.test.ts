/**
 * The real data (`data/`) loads without any diagnostic, matches the published annexes row for
 * row (test/fixtures/reference/reference.txt), and gives the published figures.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { countColleges, objectifProgress, etatAu, totalEtp } from '../src/dataset/compute.ts';
import { loadDataset } from '../src/dataset/load.ts';
import type { Affectation, Dataset } from '../src/dataset/model.ts';
import { PENDING_STRUCTURE } from '../src/dataset/model.ts';
import { AlsesError } from '../src/errors.ts';

let dataset: Dataset;

beforeAll(async () => {
  const result = await loadDataset('data');
  expect(result.diagnostics).toEqual([]);
  expect(result.dataset).toBeDefined();
  dataset = result.dataset!;
});

/** [commune, collège, structure porteuse as published, ETP as published] */
const cells = (r: Affectation): [string, string, string, string] => [
  r.commune,
  r.college,
  r.conventionEnNegociation ? PENDING_STRUCTURE : (r.structurePorteuse ?? ''),
  String(r.etp).replace('.', ','),
];

// "LISTE DES ALSES AU SEIN DES COLLEGES - JUILLET 2019", in the published order.
const ETAT_2019_07_15 = [
  ['ANZIN', 'Jules Ferry', 'CAPEP', '1'],
  ['ARMENTIERES', 'Desrousseaux', 'en cours de négociation', '1'],
  ['ARMENTIERES', 'Jean Rostand', 'en cours de négociation', '1'],
  ['AUBY', 'Victor Hugo', 'Rencontres et Loisirs', '1'],
  ['AULNOYE AYMERIES', 'Félix Del Marle', 'Tremplin Jeunes', '1'],
  ['BEUVRAGES', 'Paul Eluard', 'CAPEP', '1'],
  ['BRUAY SUR ESCAUT', 'Jean Macé', 'CAPEP', '1'],
  ['DOUAI', 'Canivez', 'Bouée des jeunes', '1'],
  ['DOUAI', 'Gayant', 'Bouée des jeunes', '1'],
  ['DOUAI', 'Jules Ferry', 'Rencontres et Loisirs', '1'],
  ['DUNKERQUE', 'Arthur Van Eecke', 'AAE', '1'],
  ['DUNKERQUE', 'Lucie Aubrac', 'AAE', '1'],
  ['FOURMIES', 'Joliot Curie', 'AEP', '0,5'],
  ['FOURMIES', 'Léo Lagrange', 'AEP', '0,5'],
  ['GRANDE SYNTHÉ', 'Jules Verne', 'AAE', '1'],
  ['GRANDE SYNTHÉ', 'du Moulin', 'AAE', '1'],
  ['LALLAING', 'Joliot Curie', 'APPE', '1'],
  ['LAMBERSART', 'Lavoisier', 'FCP', '1'],
  ['LILLE', 'Boris Vian', 'Itinéraires', '1'],
  ['LILLE', 'Henri Matisse', 'Itinéraires', '1'],
  ['LILLE', 'Nina Simone', 'Itinéraires', '1'],
  ['LILLE', 'Miriam Makeba', 'Itinéraires', '1'],
  ['LILLE', 'Louise Michel', 'Itinéraires', '1'],
  ['LILLE', 'Paul Verlaine', 'Itinéraires', '1'],
  ['LILLE', 'Lévi Strauss', 'FCP', '1'],
  ['LOMME', 'Jean Jaurès', 'FCP', '1'],
  ['LOURCHES', 'Voltaire', 'CAPEP', '1'],
  ['MAUBEUGE', 'Vauban', 'AJA', '1'],
  ['MONS EN BAROEUL', 'Rabelais', 'Azimuts', '1'],
  ['MONS EN BAROEUL', 'Descartes', 'Azimuts', '1'],
  ['PECQUENCOURT', 'Maurice Schumann', 'APPE', '1'],
  ['ROUBAIX', 'Séigné', 'AEP', '1'],
  ['ROUBAIX', 'Samain', 'AEP', '1'],
  ['ROUBAIX', 'Anne Franck', 'AEP', '1'],
  ['SAINT POL SUR MER', 'Robespierre', 'AAE', '1'],
  ['SAINT POL SUR MER', 'Deconinck', 'AAE', '1'],
  ['SIN LE NOBLE', 'Anatole France', 'Bouée des jeunes', '1'],
  ['TOURCOING', 'Lucie Aubrac', 'AAPI', '1'],
  ['TOURCOING', 'Marie Curie', 'AAPI', '1'],
  ['VALENCIENNES', 'Chasse Royale', 'CAPEP', '1'],
  ["VILLENEUVE D'ASCQ", 'Léon Blum', 'Avance', '1'],
  ['WAZIERS', 'Romain Rolland', 'Bouée des jeunes', '1'],
];

// "Déploiement du dispositif ALSES à la rentrée 2019": [commune, collège, REP/REP+ (normalised), ETP].
const RENTREE_2019 = [
  ['CAUDRY', 'Jacques Prévert', 'REP', 1],
  ['DENAIN', 'Turgot', 'REP+', 1],
  ['DENAIN', 'Bayard', 'REP+', 1],
  ['HAUTMONT', 'Pierre de Ronsard', 'REP+', 1],
  ['JEUMONT', 'Eugène Thomas', 'REP+', 1],
  ['LOUVROIL', 'Jacques Brel', 'REP+', 1],
  ['MAUBEUGE', 'Jules Verne', 'REP+', 1],
  ['ROUBAIX', 'Théodore Monod', 'REP+', 1],
  ['ROUBAIX', 'Maxence Van Der Meersch', 'REP+', 1],
  ['TOURCOING', 'Mendes France', 'REP+', 1],
  ['TOURCOING', 'Albert Roussel', 'REP+', 1],
];

describe('real data: dispositif.yaml', () => {
  it('describes the Département du Nord and the ALSES scheme', () => {
    expect(dataset.collectivite).toEqual({ nom: 'Département du Nord', adresse: ['51 rue Gustave Delory', '59047 Lille Cedex'], logo: 'logo.png' });
    expect([dataset.logo?.fichier, dataset.logo?.format]).toEqual(['logo.png', 'png']);
    expect(dataset.dispositif).toEqual({ sigle: 'ALSES', nom: 'Acteurs de Liaison Sociale en Environnement Scolaire' });
  });

  it('lists the four deliberations, ids being their dates, without an unpublished instance', () => {
    expect(dataset.deliberations.map((d) => [d.id, d.date, d.instance])).toEqual([
      ['2015-12-17', '2015-12-17', undefined],
      ['2017-05-22', '2017-05-22', undefined],
      ['2018-12-17', '2018-12-17', undefined],
      ['2019-07-01', '2019-07-01', undefined],
    ]);
    expect(dataset.deliberations[3]!.objet).toBe('déploiement de 11 postes ALSES supplémentaires à la rentrée 2019');
  });

  it('declares every structure porteuse of the July list, without a full name', () => {
    expect(dataset.structuresPorteuses).toEqual(
      ['CAPEP', 'Rencontres et Loisirs', 'Tremplin Jeunes', 'Bouée des jeunes', 'AAE', 'AEP', 'APPE', 'FCP', 'Itinéraires', 'AJA', 'Azimuts', 'AAPI', 'Avance'].map(
        (sigle) => ({ sigle }),
      ),
    );
    const used = new Set(dataset.etats[0]!.rows.map((r) => r.structurePorteuse).filter((s) => s !== null));
    expect(used.size).toBe(dataset.structuresPorteuses.length);
  });

  it('sets the two objectifs', () => {
    expect(dataset.objectifs).toEqual([
      {
        id: 'cinquantaine-2020',
        libelle: "atteindre une cinquantaine de postes sur le territoire d'ici 2020",
        type: 'effectif',
        cible: 50,
        echeance: '2020-12-31',
        deliberations: ['2015-12-17', '2017-05-22'],
      },
      {
        id: 'pauvrete-2021',
        libelle: "créer à l'horizon 2021 30 postes d'ALSES",
        type: 'creations',
        cible: 30,
        echeance: '2021-12-31',
        depuis: '2018-12-17',
        deliberations: ['2018-12-17'],
      },
    ]);
  });
});

describe('real data: état au 15 juillet 2019', () => {
  it('has the 42 published rows, in order, with their 4 values', () => {
    const etat = dataset.etats[0]!;
    expect(etat.date).toBe('2019-07-15');
    expect(etat.source).toBe('data/etats/2019-07-15.csv');
    expect(etat.rows.map(cells)).toEqual(ETAT_2019_07_15);
  });

  it('keeps the two 0,5 ETP of Fourmies, on lines 14 and 15 of the file', () => {
    const halves = dataset.etats[0]!.rows.filter((r) => r.etp === 0.5);
    expect(halves.map((r) => [r.commune, r.college, r.place])).toEqual([
      ['FOURMIES', 'Joliot Curie', { file: 'data/etats/2019-07-15.csv', line: 14, column: 1 }],
      ['FOURMIES', 'Léo Lagrange', { file: 'data/etats/2019-07-15.csv', line: 15, column: 1 }],
    ]);
  });

  it('marks the pending conventions of Armentières without a structure', () => {
    const pending = dataset.etats[0]!.rows.filter((r) => r.conventionEnNegociation);
    expect(pending.map((r) => [r.college, r.structurePorteuse])).toEqual([
      ['Desrousseaux', null],
      ['Jean Rostand', null],
    ]);
  });

  it('totals 41 ETP in 42 collèges', () => {
    expect(totalEtp(dataset.etats[0]!.rows)).toBe(41);
    expect(countColleges(dataset.etats[0]!.rows)).toBe(42);
  });
});

describe('real data: déploiement à la rentrée 2019', () => {
  it('has the 11 published rows, "REP +" normalised to "REP+"', () => {
    const d = dataset.deploiements[0]!;
    expect([d.id, d.libelle, d.deliberation, d.effet, d.source]).toEqual([
      'rentree-2019',
      'rentrée 2019',
      '2019-07-01',
      '2019-09-02',
      'data/deploiements/rentree-2019.csv',
    ]);
    expect(d.rows.map((r) => [r.commune, r.college, r.educationPrioritaire, r.etp])).toEqual(RENTREE_2019);
    expect(d.rows.every((r) => r.structurePorteuse === null && !r.conventionEnNegociation)).toBe(true);
  });

  it('totals 11 ETP', () => {
    expect(totalEtp(dataset.deploiements[0]!.rows)).toBe(11);
  });
});

describe('real data matches the reference document', () => {
  /** Rows of the published table whose header line starts with `header`, up to its TOTAL line. */
  async function publishedRows(header: string): Promise<string[][]> {
    const lines = (await readFile('test/fixtures/reference/reference.txt', 'utf8')).split('\n');
    const start = lines.findIndex((l) => l.startsWith(header));
    const end = lines.findIndex((l, i) => i > start && l.startsWith('TOTAL'));
    return lines.slice(start + 1, end).map((l) => l.split('\t'));
  }

  it('état: same cells as "LISTE DES ALSES AU SEIN DES COLLEGES - JUILLET 2019"', async () => {
    expect(dataset.etats[0]!.rows.map(cells)).toEqual(await publishedRows('VILLE\tNom du collège'));
  });

  it('déploiement: same cells as "Déploiement du dispositif ALSES à la rentrée 2019"', async () => {
    const rows = dataset.deploiements[0]!.rows.map((r) => [r.commune, r.college, r.educationPrioritaire!.replace('REP+', 'REP +'), String(r.etp)]);
    expect(rows).toEqual(await publishedRows('Ville\tDénomination du collège'));
  });
});

describe('etatAu', () => {
  it('on 2019-07-31: the état of 15 July, 41 ETP in 42 collèges', () => {
    const s = etatAu(dataset, '2019-07-31');
    expect([s.etatDate, s.deploiements.length, totalEtp(s.rows), countColleges(s.rows)]).toEqual(['2019-07-15', 0, 41, 42]);
  });

  it('on 2019-09-30: plus the rentrée 2019, 52 ETP in 53 collèges', () => {
    const s = etatAu(dataset, '2019-09-30');
    expect([s.etatDate, s.deploiements.map((d) => d.id), totalEtp(s.rows), countColleges(s.rows)]).toEqual([
      '2019-07-15',
      ['rentree-2019'],
      52,
      53,
    ]);
    expect(s.rows.slice(42).map((r) => r.college)).toEqual(RENTREE_2019.map((r) => r[1]));
  });

  it('counts the état from its own date and the deployment from its effet (both inclusive)', () => {
    expect(totalEtp(etatAu(dataset, '2019-07-15').rows)).toBe(41);
    expect(totalEtp(etatAu(dataset, '2019-09-01').rows)).toBe(41);
    expect(totalEtp(etatAu(dataset, '2019-09-02').rows)).toBe(52);
  });

  it('throws INVALID_INPUT, in French, before the first état', () => {
    expect(() => etatAu(dataset, '2019-07-14')).toThrowError(AlsesError);
    try {
      etatAu(dataset, '2019-07-14');
    } catch (e) {
      expect((e as AlsesError).code).toBe('INVALID_INPUT');
      expect((e as AlsesError).message).toBe(
        'aucun état des ALSES au 14/07/2019 ou avant (attendu : une date à partir du 15/07/2019, date du premier état)',
      );
    }
  });

  it('throws INVALID_INPUT for a date that is not a calendar day', () => {
    expect(() => etatAu(dataset, '2019-02-30')).toThrowError(/date "2019-02-30" invalide/);
  });
});

describe('totalEtp', () => {
  it('adds decimals exactly', () => {
    expect(totalEtp([{ etp: 0.1 }, { etp: 0.2 }])).toBe(0.3);
    expect(totalEtp(Array.from({ length: 10 }, () => ({ etp: 0.1 })))).toBe(1);
    expect(totalEtp([])).toBe(0);
  });
});

describe('objectifProgress on 2019-09-30', () => {
  const objectif = (id: string) => dataset.objectifs.find((o) => o.id === id)!;

  it('cinquantaine-2020 (effectif): 52 ETP reached, target passed', () => {
    expect(objectifProgress(dataset, objectif('cinquantaine-2020'), '2019-09-30')).toEqual({ atteint: 52, cible: 50, reste: 0 });
    expect(objectifProgress(dataset, objectif('cinquantaine-2020'), '2019-07-31')).toEqual({ atteint: 41, cible: 50, reste: 9 });
  });

  it('pauvrete-2021 (creations): the 11 posts of the rentrée 2019, 19 to go', () => {
    expect(objectifProgress(dataset, objectif('pauvrete-2021'), '2019-09-30')).toEqual({ atteint: 11, cible: 30, reste: 19 });
    expect(objectifProgress(dataset, objectif('pauvrete-2021'), '2019-09-01')).toEqual({ atteint: 0, cible: 30, reste: 30 });
  });
});
