// Agents: list with search and filters, creation, deactivation, one-time reset codes, CSV import and export.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { useAdminLabels } from './admin-labels';
import { ImportReport, downloadCsv, splitList, useFeedback } from './admin-kit';
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
  const { run, view } = useFeedback();
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

  return (
    <section aria-labelledby="agents-title">
      <h2 id="agents-title">{l.tabs.agents}</h2>
      {view}
      {code && (
        <p role="status" data-testid="one-time-code">
          {l.oneTimeCode} <code>{code}</code>
        </p>
      )}
      <form className="admin-form" onSubmit={(event) => void create(event)} aria-label={l.createAgent}>
        <label>
          {l.login}
          <input name="login" required pattern="[a-z0-9][a-z0-9._\-]{2,49}" />
        </label>
        <label>
          {l.displayName}
          <input name="displayName" required maxLength={100} />
        </label>
        <label>
          {l.role}
          <select name="role" defaultValue="agent">
            {Object.entries(l.roles).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {l.skills}
          <input name="skills" defaultValue="general" />
        </label>
        <label>
          {l.languages}
          <input name="languages" defaultValue="fr" />
        </label>
        <label>
          {l.capacity}
          <input name="capacity" type="number" min={1} max={50} defaultValue={4} required />
        </label>
        <label>
          {l.password}
          <input name="password" type="password" autoComplete="new-password" minLength={12} />
        </label>
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

      <table className="admin-table" data-testid="agents-table">
        <thead>
          <tr>
            <th scope="col">{l.login}</th>
            <th scope="col">{l.displayName}</th>
            <th scope="col">{l.role}</th>
            <th scope="col">{l.skills}</th>
            <th scope="col">{l.capacity}</th>
            <th scope="col">{l.reserve}</th>
            <th scope="col">{l.active}</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <tr key={agent.id}>
              <td>{agent.login}</td>
              <td>{agent.displayName}</td>
              <td>{l.roles[agent.role] ?? agent.role}</td>
              <td>{agent.skills.join(', ')}</td>
              <td>{agent.capacity}</td>
              <td>
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
              </td>
              <td>{agent.active ? l.active : l.inactive}</td>
              <td>
                {agent.active ? (
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
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <CsvImport path="/api/admin/agents/import" onDone={load} columns="login,display_name,role,skills,languages,capacity,active" />
    </section>
  );
}

export type { ImportReport };
