import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEED_FILES = ['articles.fr.md', 'articles.en.md'];

/**
 * The articles written for this project (French, with English translations), kept as Markdown import files in
 * libs/knowledge-base/seed/. Found from the sources (tests, bench) and from the build output alike.
 */
export function seedDirectory(): string {
  const candidates = [join(__dirname, '..', 'seed'), join(__dirname, '..', '..', '..', '..', 'libs', 'knowledge-base', 'seed')];
  const found = candidates.find((candidate) => existsSync(join(candidate, SEED_FILES[0])));
  if (!found) throw new Error('knowledge-base seed files not found (libs/knowledge-base/seed/)');
  return found;
}

/** Every seed file in one Markdown import text (French first: translations follow their article). */
export function readSeedArticles(): string {
  const directory = seedDirectory();
  return SEED_FILES.map((file) => readFileSync(join(directory, file), 'utf8')).join('\n---\n');
}
