import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';

/** One French commune (or a municipal arrondissement of Paris, Lyon, Marseille) of the official list. */
export interface Commune {
  /** INSEE code. */
  code: string;
  name: string;
  department: string;
  postcodes: string[];
  /** For a municipal arrondissement: its commune (75056 for Paris 1er). */
  parentCode: string | null;
  population: number;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  codesPostaux?: string[];
  commune?: string;
  population?: number;
}

interface IndexedCommune extends Commune {
  key: string;
}

/** Lower case, no accents, hyphens and apostrophes as spaces, "saint" as "st": what a gendarme types. */
export function normaliseCommuneName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[-'’`.]/g, ' ')
    .replace(/\bsainte\b/g, 'ste')
    .replace(/\bsaint\b/g, 'st')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The official list of communes from @etalab/decoupage-administratif (INSEE codes, postcodes, departments), read
 * once on first use (about 35,000 entries, some 30 MB of memory) and searched in memory.
 */
@Injectable()
export class CommuneCatalogue {
  private communes: IndexedCommune[] | null = null;
  private byCode = new Map<string, IndexedCommune>();
  private departments: Set<string> | null = null;

  /** Loads the list now (otherwise on first use). */
  load(): void {
    if (this.communes) return;
    const path = require.resolve('@etalab/decoupage-administratif/data/communes.json');
    const raw = JSON.parse(readFileSync(path, 'utf8')) as RawCommune[];
    const communes: IndexedCommune[] = [];
    for (const entry of raw) {
      // Delegated and associated communes share codes with current ones; arrondissements are where people live.
      if (entry.type !== 'commune-actuelle' && entry.type !== 'arrondissement-municipal') continue;
      const commune: IndexedCommune = {
        code: entry.code,
        name: entry.nom,
        department: entry.departement ?? '',
        postcodes: entry.codesPostaux ?? [],
        parentCode: entry.type === 'arrondissement-municipal' ? (entry.commune ?? null) : null,
        population: entry.population ?? 0,
        key: normaliseCommuneName(entry.nom),
      };
      communes.push(commune);
      this.byCode.set(commune.code, commune);
    }
    this.communes = communes;
    this.departments = new Set(communes.map((commune) => commune.department));
  }

  get size(): number {
    this.load();
    return this.communes!.length;
  }

  get(code: string): Commune | null {
    this.load();
    const found = this.byCode.get(code.trim().toUpperCase());
    return found ? strip(found) : null;
  }

  isDepartment(code: string): boolean {
    this.load();
    return this.departments!.has(code);
  }

  /**
   * Communes matching a name (accents, case, hyphens optional), an INSEE code or a postcode: exact names first,
   * then names starting with the query, then names with a word starting with it; larger communes first within each.
   */
  search(query: string, limit = 20): Commune[] {
    this.load();
    const text = query.trim();
    if (!text) return [];
    if (/^\d[\dAB]{1,4}$/i.test(text)) {
      const code = text.toUpperCase();
      return this.communes!
        .filter((commune) => commune.code.startsWith(code) || commune.postcodes.some((postcode) => postcode.startsWith(code)))
        .sort((a, b) => Number(b.code === code) - Number(a.code === code) || b.population - a.population)
        .slice(0, limit)
        .map(strip);
    }
    const key = normaliseCommuneName(text);
    if (!key) return [];
    const ranked: { commune: IndexedCommune; rank: number }[] = [];
    for (const commune of this.communes!) {
      let rank: number;
      if (commune.key === key) rank = 0;
      else if (commune.key.startsWith(key)) rank = 1;
      else if (commune.key.includes(` ${key}`)) rank = 2;
      else continue;
      ranked.push({ commune, rank });
    }
    return ranked
      .sort((a, b) => a.rank - b.rank || b.commune.population - a.commune.population || a.commune.code.localeCompare(b.commune.code))
      .slice(0, limit)
      .map((entry) => strip(entry.commune));
  }
}

function strip(commune: IndexedCommune): Commune {
  return {
    code: commune.code,
    name: commune.name,
    department: commune.department,
    postcodes: commune.postcodes,
    parentCode: commune.parentCode,
    population: commune.population,
  };
}
