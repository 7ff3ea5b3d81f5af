import { CommuneCatalogue, normaliseCommuneName } from './commune-catalogue';
import { UnitCoverage, competentUnit } from './unit-routing';

const catalogue = new CommuneCatalogue();

describe('commune catalogue (official list of @etalab/decoupage-administratif)', () => {
  it('holds the current communes and the municipal arrondissements, not the delegated ones', () => {
    expect(catalogue.size).toBeGreaterThan(34_000);
    expect(catalogue.get('35238')).toMatchObject({ name: 'Rennes', department: '35', postcodes: expect.arrayContaining(['35000']) });
    expect(catalogue.get('75101')).toMatchObject({ name: 'Paris 1er Arrondissement', parentCode: '75056' });
    expect(catalogue.get('2A004')).toMatchObject({ name: 'Ajaccio', department: '2A' });
    expect(catalogue.get('99999')).toBeNull();
  });

  it('finds a commune without its accents, hyphens or "Saint" written out', () => {
    expect(normaliseCommuneName('Saint-Étienne')).toBe('st etienne');
    expect(catalogue.search('saint etienne')[0]).toMatchObject({ code: '42218', name: 'Saint-Étienne' });
    expect(catalogue.search('St-Etienne')[0].code).toBe('42218');
    expect(catalogue.search('evreux')[0]).toMatchObject({ name: 'Évreux' });
    expect(catalogue.search('ÉVREUX')[0].name).toBe('Évreux');
  });

  it('puts the exact name first, then larger communes starting with the query', () => {
    const results = catalogue.search('rennes');
    expect(results[0].name).toBe('Rennes');
    const paris = catalogue.search('paris', 5).map((commune) => commune.name);
    expect(paris[0]).toBe('Paris');
  });

  it('searches by postcode and by INSEE code', () => {
    expect(catalogue.search('35000').map((commune) => commune.code)).toContain('35238');
    expect(catalogue.search('35238')[0].code).toBe('35238');
  });

  it('knows the departments, Corsica and overseas included', () => {
    expect(catalogue.isDepartment('35')).toBe(true);
    expect(catalogue.isDepartment('2B')).toBe(true);
    expect(catalogue.isDepartment('971')).toBe(true);
    expect(catalogue.isDepartment('20')).toBe(false);
  });
});

describe('competent unit (pure routing by coverage)', () => {
  const unit = (code: string, coverage: Partial<UnitCoverage>): UnitCoverage => ({
    id: code,
    code,
    communes: [],
    postcodes: [],
    departments: [],
    ...coverage,
  });
  const rennes = catalogue.get('35238')!;

  it('prefers a unit naming the commune over its postcode over its department', () => {
    const department = unit('a-department', { departments: ['35'] });
    const postcode = unit('b-postcode', { postcodes: ['35200'] });
    const commune = unit('c-commune', { communes: ['35238'] });
    expect(competentUnit(rennes, [department, postcode, commune])).toEqual({ unit: commune, matchedBy: 'commune' });
    expect(competentUnit(rennes, [department, postcode])).toEqual({ unit: postcode, matchedBy: 'postcode' });
    expect(competentUnit(rennes, [department])).toEqual({ unit: department, matchedBy: 'department' });
  });

  it('gives an arrondissement to the unit covering its city', () => {
    const paris = unit('paris', { communes: ['75056'] });
    expect(competentUnit(catalogue.get('75118')!, [paris])).toEqual({ unit: paris, matchedBy: 'commune' });
  });

  it('answers the same whatever the order of the units, and nothing when none covers the commune', () => {
    const first = unit('bta-a', { departments: ['35'] });
    const second = unit('bta-b', { departments: ['35'] });
    expect(competentUnit(rennes, [second, first])?.unit.code).toBe('bta-a');
    expect(competentUnit(rennes, [first, second])?.unit.code).toBe('bta-a');
    expect(competentUnit(rennes, [unit('brest', { departments: ['29'] })])).toBeNull();
  });
});
