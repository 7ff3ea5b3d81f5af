// Supervisors' figures of the knowledge base over the last 30 days: per day and language, most inserted articles,
// and the searches without result (what to write next); the same figures as a CSV file.
import { useEffect, useState } from 'react';
import * as api from '../api';
import { downloadCsv } from '../admin/admin-kit';

interface Figures {
  days: { day: string; language: string; viewed: number; solved: number; inserted: number; answered: number; noResult: number }[];
  mostInserted: { articleKey: string; count: number }[];
  noResult: { query: string; language: string; count: number }[];
}

export function KnowledgeFigures() {
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<Figures>('/api/supervisor/knowledge/figures').then(setFigures, (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, []);
  return (
    <section aria-labelledby="knowledge-figures-title" data-testid="knowledge-figures">
      <h2 id="knowledge-figures-title">Base de connaissances (30 derniers jours)</h2>
      {error && <p role="alert">{error}</p>}
      <button type="button" onClick={() => void downloadCsv('/api/supervisor/knowledge/figures.csv', 'brigade-base-de-connaissances.csv').catch((caught: unknown) => setError(String(caught)))}>
        Exporter en CSV
      </button>
      {figures && (
        <>
          <table>
            <caption>Par jour et par langue</caption>
            <thead>
              <tr>
                <th scope="col">Jour</th>
                <th scope="col">Langue</th>
                <th scope="col">Articles consultés</th>
                <th scope="col">Résolues sans gendarme</th>
                <th scope="col">Insérés par les gendarmes</th>
                <th scope="col">Réponses de l’assistant</th>
                <th scope="col">Recherches sans résultat</th>
              </tr>
            </thead>
            <tbody>
              {figures.days.map((row) => (
                <tr key={`${row.day}-${row.language}`}>
                  <td>{row.day}</td>
                  <td>{row.language}</td>
                  <td>{row.viewed}</td>
                  <td>{row.solved}</td>
                  <td>{row.inserted}</td>
                  <td>{row.answered}</td>
                  <td>{row.noResult}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Articles les plus insérés</h3>
          <ol>
            {figures.mostInserted.map((row) => (
              <li key={row.articleKey}>
                {row.articleKey} ({row.count})
              </li>
            ))}
          </ol>
          <h3>Recherches sans résultat : les articles à écrire</h3>
          <ul>
            {figures.noResult.map((row) => (
              <li key={`${row.language}-${row.query}`}>
                « {row.query} » ({row.language}, {row.count})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
