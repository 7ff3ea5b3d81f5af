// Inbound messages the platform could not store (empty after cleaning, refused by the database): listed, replayed.
import { useEffect, useState } from 'react';
import * as api from '../api';
import { formatInstant, useFeedback } from './admin-kit';
import { useAdminLabels } from './admin-labels';
import { useLanguage } from '../i18n';

interface QuarantineItem {
  id: string;
  channel: string;
  channelMessageId: string | null;
  reason: string;
  error: string | null;
  receivedAt: string;
  replayedAt: string | null;
  replayOutcome: string | null;
  bytes: number;
}

export function QuarantinePage() {
  const l = useAdminLabels();
  const language = useLanguage();
  const { run, view } = useFeedback();
  const [result, setResult] = useState<{ open: number; items: QuarantineItem[] } | null>(null);
  const load = () => run(async () => setResult(await api.get<{ open: number; items: QuarantineItem[] }>('/api/admin/quarantine')), undefined, true);
  useEffect(() => {
    void load();
  }, []);

  return (
    <section aria-labelledby="quarantine-title">
      <h2 id="quarantine-title">{l.tabs.quarantine}</h2>
      <p className="help">{l.quarantineHelp}</p>
      {view}
      {result && (
        <>
          <p data-testid="quarantine-open">
            {l.quarantineOpen} : {result.open}
          </p>
          <table className="admin-table" data-testid="quarantine-table">
            <thead>
              <tr>
                <th scope="col">{l.at}</th>
                <th scope="col">{l.quarantineChannel}</th>
                <th scope="col">{l.quarantineReason}</th>
                <th scope="col">{l.quarantineOutcome}</th>
                <th scope="col">
                  <span className="sr-only">{l.quarantineReplay}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((item) => (
                <tr key={item.id}>
                  <td>{formatInstant(item.receivedAt, language)}</td>
                  <td>
                    {item.channel} <code>{item.channelMessageId?.slice(0, 40)}</code>
                  </td>
                  <td>
                    {item.reason === 'empty' ? l.quarantineEmpty : l.quarantineRefused}
                    {item.error && <div className="help">{item.error}</div>}
                  </td>
                  <td>{item.replayOutcome ? `${item.replayOutcome}${item.replayedAt ? ` (${formatInstant(item.replayedAt, language)})` : ''}` : '–'}</td>
                  <td>
                    {!item.replayedAt && (
                      <button
                        type="button"
                        onClick={() =>
                          void run(async () => {
                            const outcome = await api.post<{ outcome: string; replayed: boolean }>(`/api/admin/quarantine/${item.id}/replay`, {});
                            await load();
                            return outcome;
                          }, l.quarantineReplayed)
                        }
                      >
                        {l.quarantineReplay}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
