import type { Commune } from './commune-catalogue';

/** What routing needs of a territorial unit: the communes, postcodes and departments it covers. */
export interface UnitCoverage {
  id: string;
  code: string;
  communes: string[];
  postcodes: string[];
  departments: string[];
}

export type CoverageMatch = 'commune' | 'postcode' | 'department';

/**
 * The unit competent for a commune: the one naming the commune (or, for an arrondissement, its city) beats one
 * naming a postcode of the commune, which beats one covering its whole department. Ties go to the smallest code,
 * so that the answer never depends on the order units were read in.
 */
export function competentUnit<U extends UnitCoverage>(commune: Commune, units: U[]): { unit: U; matchedBy: CoverageMatch } | null {
  const codes = commune.parentCode ? [commune.code, commune.parentCode] : [commune.code];
  const levels: [CoverageMatch, (unit: U) => boolean][] = [
    ['commune', (unit) => unit.communes.some((code) => codes.includes(code))],
    ['postcode', (unit) => unit.postcodes.some((postcode) => commune.postcodes.includes(postcode))],
    ['department', (unit) => unit.departments.includes(commune.department)],
  ];
  for (const [matchedBy, covers] of levels) {
    const candidates = units.filter(covers).sort((a, b) => a.code.localeCompare(b.code));
    if (candidates.length > 0) return { unit: candidates[0], matchedBy };
  }
  return null;
}
