// Agents: list with search and filters, creation, deactivation, one-time reset codes, CSV import and export.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { useAdminLabels } from './admin-labels';
import { DataTable, Field, ImportReport, TableColumn, downloadCsv, splitList, useFeedback } from './admin-kit';
import { CsvImport } from './csv-import';

export interface AdminAgent {
  id: string;
  login: string;
  displayName: string;
  role: string;
  skills: string[];
  languages: string[];
  capacity: number;
  active: boolean;
  presence: string;
  onShift: boolean;
  /** On the reserve list surge mode calls reinforcements from. */
  reserve: boolean;
  email: string | null;
}

export function AgentsPage() {
  const l = useAdminLabels();
  const { run, view, fieldErrors } = useFeedback();
  const [agents, setAgents] = useState<AdminAgent[]>([]);
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [active, setActive] = useState('');
  const [code, setCode] = useState<string | null>(null);

  const load = useCallback(() => {
    const query = new URLSearchParams();
    if (q) query.set('q', q);
    if (role) query.set('role', role);
    if (active) query.set('active', active);
    void run(async () => setAgents(await api.get<AdminAgent[]>(`/api/admin/agents?${query}`)), undefined, true);
  }, [q, role, active]);
  useEffect(load, [load]);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const password = String(form.get('password') ?? '');
    const created = await run(
      () =>
        api.post<{ agent: AdminAgent; resetCode: { code: string } | null }>('/api/admin/agents', {
          login: String(form.get('login')),
          displayName: String(form.get('displayName')),
          role: String(form.get('role')),
          skills: splitList(String(form.get('skills') ?? '')),
          languages: splitList(String(form.get('languages') ?? '')),
          capacity: Number(form.get('capacity')),
          ...(password ? { password } : {}),
        }),
      l.agentCreated,
    );
    if (created) {
      setCode(created.resetCode?.code ?? null);
      formElement.reset();
      load();
    }
  }

  async function act(agent: AdminAgent, action: 'deactivate' | 'reactivate' | 'password-reset') {
    const result = await run(() => api.post<{ code?: string }>(`/api/admin/agents/${agent.id}/${action}`), l.done);
    if (action === 'password-reset' && result?.code) setCode(result.code);
    load();
  }

  const columns: TableColumn<AdminAgent>[] = [
    { key: 'login', label: l.login, sortValue: (agent) => agent.login, render: (agent) => agent.login },
    { key: 'displayName', label: l.displayName, sortValue: (agent) => agent.displayName, render: (agent) => agent.displayName },
    { key: 'role', label: l.role, sortValue: (agent) => l.roles[agent.role] ?? agent.role, render: (agent) => l.roles[agent.role] ?? agent.role },
    { key: 'skills', label: l.skillsColumn, sortValue: (agent) => agent.skills.join(', '), render: (agent) => agent.skills.join(', ') },
    { key: 'capacity', label: l.capacity, sortValue: (agent) => agent.capacity, render: (agent) => agent.capacity },
    {
      key: 'reserve',
      label: l.reserve,
      sortValue: (agent) => (agent.reserve ? 0 : 1),
      render: (agent) => (
        <input
          type="checkbox"
          aria-label={`${l.reserve} : ${agent.displayName}`}
          checked={agent.reserve}
          onChange={(event) => {
            const reserve = event.target.checked;
            void run(async () => {
              await api.request('PATCH', `/api/admin/agents/${agent.id}`, { reserve });
              load();
            });
          }}
        />
      ),
    },
    { key: 'active', label: l.active, sortValue: (agent) => (agent.active ? 0 : 1), render: (agent) => (agent.active ? l.active : l.inactive) },
    {
      key: 'actions',
      label: <span className="sr-only">{l.actions}</span>,
      className: 'actions',
      render: (agent) =>
        agent.active ? (
          <>
            <button type="button" onClick={() => void act(agent, 'password-reset')}>
              {l.resetPassword}
            </button>{' '}
            <button type="button" onClick={() => void act(agent, 'deactivate')}>
              {l.deactivate}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => void act(agent, 'reactivate')}>
            {l.reactivate}
          </button>
        ),
    },
  ];

  return (
    <section aria-labelledby="agents-title">
      <h2 id="agents-title">{l.tabs.agents}</h2>
      {view}
      {code && (
        <p role="status" data-testid="one-time-code">
          {l.oneTimeCode} <code>{code}</code>
        </p>
      )}
      <form className="admin-form" onSubmit={(event) => void create(event)} aria-label={l.createAgent} noValidate>
        <Field label={l.login} names={['login']} errors={fieldErrors}>
          <input name="login" required pattern="[a-z0-9][a-z0-9._\-]{2,49}" />
        </Field>
        <Field label={l.displayName} names={['displayName']} errors={fieldErrors}>
          <input name="displayName" required maxLength={100} />
        </Field>
        <Field label={l.role} names={['role']} errors={fieldErrors}>
          <select name="role" defaultValue="agent">
            {Object.entries(l.roles).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.skills} names={['skills']} errors={fieldErrors}>
          <input name="skills" defaultValue="general" />
        </Field>
        <Field label={l.languages} names={['languages']} errors={fieldErrors}>
          <input name="languages" defaultValue="fr" />
        </Field>
        <Field label={l.capacity} names={['capacity']} errors={fieldErrors}>
          <input name="capacity" type="number" min={1} max={50} defaultValue={4} required />
        </Field>
        <Field label={l.password} names={['password']} errors={fieldErrors}>
          <input name="password" type="password" autoComplete="new-password" minLength={12} />
        </Field>
        <button type="submit">{l.createAgent}</button>
      </form>

      <div className="admin-filters">
        <label>
          {l.search}
          <input type="search" value={q} onChange={(event) => setQ(event.target.value)} />
        </label>
        <label>
          {l.role}
          <select value={role} onChange={(event) => setRole(event.target.value)}>
            <option value="">{l.all}</option>
            {Object.entries(l.roles).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {l.active}
          <select value={active} onChange={(event) => setActive(event.target.value)}>
            <option value="">{l.all}</option>
            <option value="true">{l.active}</option>
            <option value="false">{l.inactive}</option>
          </select>
        </label>
        <button type="button" onClick={() => void run(() => downloadCsv('/api/admin/agents.csv', 'brigade-agents.csv'))}>
          {l.exportCsv}
        </button>
      </div>

      <DataTable rows={agents} columns={columns} rowKey={(agent) => agent.id} testId="agents-table" caption={l.tabs.agents} initialSort={{ key: 'login', direction: 'ascending' }} />
      <CsvImport path="/api/admin/agents/import" onDone={load} columns="login,display_name,role,skills,languages,capacity,active" />
    </section>
  );
}

export type { ImportReport };
