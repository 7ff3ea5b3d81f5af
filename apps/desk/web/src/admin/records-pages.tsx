// Contacts (search, link as the same citizen, unlink) and the audit log (filters, CSV export).
import { useEffect, useState } from 'react';
import * as api from '../api';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { DataTable, Field, TableColumn, downloadCsv, formatInstant, useFeedback } from './admin-kit';

interface Contact {
  id: string;
  displayName: string | null;
  pseudonym: string;
  mergedIntoId: string | null;
  identities: { channel: string; externalId: string }[];
  conversations: number;
}

export function ContactsPage() {
  const l = useAdminLabels();
  const { run, view, fieldErrors } = useFeedback();
  const [q, setQ] = useState('');
  const [contacts, setContacts] = useState<Contact[]>([]);
  const search = (quiet = false) =>
    run(async () => setContacts(await api.get<Contact[]>(`/api/admin/contacts?q=${encodeURIComponent(q)}`)), undefined, quiet);

  async function link(event: React.FormEvent<HTMLFormElement>, contact: Contact) {
    event.preventDefault();
    const into = String(new FormData(event.currentTarget).get('into') ?? '').trim();
    await run(() => api.post(`/api/admin/contacts/${contact.id}/link`, { intoContactId: into }), l.done);
    await search(true);
  }

  return (
    <section aria-labelledby="contacts-title">
      <h2 id="contacts-title">{l.tabs.contacts}</h2>
      {view}
      <form
        className="admin-filters"
        onSubmit={(event) => {
          event.preventDefault();
          void search();
        }}
      >
        <Field label={l.search} names={['q']} errors={fieldErrors}>
          <input type="search" value={q} minLength={2} onChange={(event) => setQ(event.target.value)} />
        </Field>
        <button type="submit">{l.search}</button>
      </form>
      <ul className="admin-list">
        {contacts.map((contact) => (
          <li key={contact.id}>
            <strong>{contact.displayName ?? contact.pseudonym}</strong> <code>{contact.id}</code> ·{' '}
            {contact.identities.map((identity) => `${identity.channel}:${identity.externalId}`).join(', ')} · {contact.conversations}
            {contact.mergedIntoId ? (
              <>
                {' '}
                · {l.linkedTo} <code>{contact.mergedIntoId}</code>{' '}
                <button type="button" onClick={() => void run(() => api.request('DELETE', `/api/admin/contacts/${contact.id}/link`), l.done).then(() => search(true))}>
                  {l.unlink}
                </button>
              </>
            ) : (
              <form className="inline" onSubmit={(event) => void link(event, contact)}>
                <label>
                  {l.linkInto}
                  <input name="into" required />
                </label>
                <button type="submit">{l.link}</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

interface AuditPage {
  total: number;
  page: number;
  pageSize: number;
  events: { id: string; at: string; actorName: string | null; actorId: string | null; action: string; subjectType: string; subjectId: string | null; details: unknown }[];
}

export function AuditPageView() {
  const l = useAdminLabels();
  const language = useLanguage();
  const { run, view } = useFeedback();
  const [filter, setFilter] = useState({ actor: '', action: '', subject: '', from: '', to: '' });
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<AuditPage | null>(null);
  const query = (pageNumber: number) => {
    const params = new URLSearchParams(Object.entries(filter).filter(([, value]) => value));
    params.set('page', String(pageNumber));
    return params;
  };
  const load = (pageNumber = 1) => {
    setPage(pageNumber);
    return run(async () => setResult(await api.get<AuditPage>(`/api/admin/audit?${query(pageNumber)}`)));
  };
  // The newest entries at once; the filters narrow them down.
  useEffect(() => {
    void load(1);
  }, []);

  // The server pages the log (newest first); a heading sorts the page shown.
  const auditColumns: TableColumn<AuditPage['events'][number]>[] = [
    { key: 'at', label: l.at, sortValue: (event) => event.at, render: (event) => formatInstant(event.at, language) },
    { key: 'actor', label: l.actorColumn, sortValue: (event) => event.actorName ?? event.actorId, render: (event) => event.actorName ?? event.actorId ?? l.none },
    { key: 'action', label: l.action, sortValue: (event) => event.action, render: (event) => event.action },
    {
      key: 'subject',
      label: l.subject,
      sortValue: (event) => `${event.subjectType} ${event.subjectId ?? ''}`,
      render: (event) => (
        <span title={JSON.stringify(event.details)}>
          {event.subjectType} {event.subjectId ?? ''}
        </span>
      ),
    },
  ];

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{l.tabs.audit}</h2>
      {view}
      <form
        className="admin-filters"
        onSubmit={(event) => {
          event.preventDefault();
          void load(1);
        }}
      >
        {(['actor', 'action', 'subject'] as const).map((name) => (
          <label key={name}>
            {l[name]}
            <input value={filter[name]} onChange={(event) => setFilter({ ...filter, [name]: event.target.value })} />
          </label>
        ))}
        {(['from', 'to'] as const).map((name) => (
          <label key={name}>
            {l[name]}
            <input type="date" value={filter[name]} onChange={(event) => setFilter({ ...filter, [name]: event.target.value })} />
          </label>
        ))}
        <button type="submit">{l.filter}</button>
        <button type="button" onClick={() => void run(() => downloadCsv(`/api/admin/audit.csv?${query(1)}`, 'brigade-journal.csv'))}>
          {l.exportCsv}
        </button>
      </form>
      {result && (
        <DataTable
          rows={result.events}
          columns={auditColumns}
          rowKey={(event) => event.id}
          testId="audit-table"
          caption={l.tabs.audit}
          serverPage={{ page, pageCount: Math.max(1, Math.ceil(result.total / result.pageSize)), total: result.total, onPage: (next) => void load(next) }}
        />
      )}
    </section>
  );
}
