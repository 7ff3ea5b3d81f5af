import { articlesToCsv, articlesToMarkdown, parseArticlesCsv, parseArticlesMarkdown } from './article-files';
import { answerAsPlainText, answerProblems } from './markdown';
import { searchTerms } from './search-terms';

const ARTICLE = {
  articleKey: 'vote-test',
  language: 'fr' as const,
  question: 'Comment voter par procuration ?',
  phrasings: ['donner procuration', 'voter à ma place'],
  answer: '- Faites la demande sur [maprocuration.gouv.fr](https://www.maprocuration.gouv.fr).\n- Validez-la en brigade.\n\nC’est **gratuit**, "simple", et rapide.',
  queue: 'general',
  sources: [{ title: 'Ma procuration', url: 'https://www.maprocuration.gouv.fr' }],
  status: 'published' as const,
  reviewEveryDays: 180,
};

describe('article files', () => {
  it('reads back what it exports, in CSV and in Markdown', () => {
    expect(parseArticlesCsv(articlesToCsv([ARTICLE]))).toEqual({ articles: [{ line: 2, article: ARTICLE }], problems: [] });
    expect(parseArticlesMarkdown(articlesToMarkdown([ARTICLE, { ...ARTICLE, language: 'en' }])).articles.map((entry) => entry.article)).toEqual([
      ARTICLE,
      { ...ARTICLE, language: 'en' },
    ]);
  });

  it('lists every bad line with its field', () => {
    const { problems } = parseArticlesCsv('key,language,question,answer,status,sources\nok-key,fr,Question assez longue ?,Réponse,published,\nBAD,zz,?,<b>x</b>,draft,\n');
    expect(problems.map((problem) => [problem.line, problem.field])).toEqual([
      [2, 'sources'],
      [3, 'key'],
      [3, 'language'],
      [3, 'question'],
      [3, 'answer'],
    ]);
  });
});

describe('limited Markdown', () => {
  it('writes links out and lists as bullets for channels without rich text', () => {
    expect(answerAsPlainText(ARTICLE.answer)).toBe('• Faites la demande sur https://www.maprocuration.gouv.fr.\n• Validez-la en brigade.\n\nC’est gratuit, "simple", et rapide.');
    expect(answerAsPlainText('Voir [le site officiel](https://www.service-public.fr).')).toBe('Voir le site officiel : https://www.service-public.fr.');
  });

  it('refuses HTML, headings and links that are not https', () => {
    expect(answerProblems('<script>alert(1)</script>')).toHaveLength(1);
    expect(answerProblems('# Titre')).toHaveLength(1);
    expect(answerProblems('[ici](http://exemple.fr)')).toHaveLength(1);
    expect(answerProblems(ARTICLE.answer)).toEqual([]);
  });
});

describe('search terms', () => {
  it('folds accents, case, elisions and repeated letters; leaves common words out of the fuzzy part', () => {
    expect(searchTerms("J'ai PERDU mon portefeuiiille à la Gare !")).toEqual({
      tsquery: 'perdu | portefeuille | gare',
      fuzzyWords: ['perdu', 'portefeuille', 'gare'],
      folded: 'j ai perdu mon portefeuille a la gare',
    });
    expect(searchTerms('?!').tsquery).toBe('');
  });
});
