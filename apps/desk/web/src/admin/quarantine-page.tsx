// Inbound messages the platform could not store (empty after cleaning, refused by the database): listed, replayed.
import { useEffect, useState } from 'react';
import * as api from '../api';
import { DataTable, TableColumn, formatInstant, useFeedback } from './admin-kit';
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

  const columns: TableColumn<QuarantineItem>[] = [
    { key: 'at', label: l.at, sortValue: (item) => item.receivedAt, render: (item) => formatInstant(item.receivedAt, language) },
    {
      key: 'channel',
      label: l.quarantineChannel,
      sortValue: (item) => item.channel,
      render: (item) => (
        <>
          {item.channel} <code>{item.channelMessageId?.slice(0, 40)}</code>
        </>
      ),
    },
    {
      key: 'reason',
      label: l.quarantineReason,
      sortValue: (item) => item.reason,
      render: (item) => (
        <>
          {item.reason === 'empty' ? l.quarantineEmpty : l.quarantineRefused}
          {item.error && <div className="help">{item.error}</div>}
        </>
      ),
    },
    {
      key: 'outcome',
      label: l.quarantineOutcome,
      sortValue: (item) => item.replayOutcome,
      render: (item) => (item.replayOutcome ? `${item.replayOutcome}${item.replayedAt ? ` (${formatInstant(item.replayedAt, language)})` : ''}` : '–'),
    },
    {
      key: 'replay',
      label: <span className="sr-only">{l.quarantineReplay}</span>,
      render: (item) =>
        !item.replayedAt && (
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
        ),
    },
  ];

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
          <DataTable rows={result.items} columns={columns} rowKey={(item) => item.id} testId="quarantine-table" caption={l.tabs.quarantine} />
        </>
      )}
    </section>
  );
}
