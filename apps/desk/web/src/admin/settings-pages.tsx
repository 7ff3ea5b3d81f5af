// Queues, canned replies and channels: the settings routing, the desk and the webhooks read live.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { formatInstant, splitList, useFeedback } from './admin-kit';

interface Queue {
  key: string;
  nameFr: string;
  nameEn: string;
  priority: number;
  requiredSkill: string | null;
  retentionDays: number | null;
  slaWaitSeconds: number;
  /** Surge watch threshold in seconds; null: the queue is not watched. */
  surgeWaitSeconds: number | null;
  triageKeywords: string[];
  active: boolean;
}

export function QueuesPage() {
  const l = useAdminLabels();
  const { run, view } = useFeedback();
  const [queues, setQueues] = useState<Queue[]>([]);
  const load = useCallback(() => void run(async () => setQueues(await api.get<Queue[]>('/api/admin/queues')), undefined, true), []);
  useEffect(load, [load]);

  async function save(event: React.FormEvent<HTMLFormElement>, key: string) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const skill = String(form.get('requiredSkill') ?? '').trim();
    const retention = String(form.get('retentionDays') ?? '').trim();
    const surge = String(form.get('surgeWaitSeconds') ?? '').trim();
    await run(
      () =>
        api.request('PATCH', `/api/admin/queues/${key}`, {
          priority: Number(form.get('priority')),
          requiredSkill: skill || null,
          retentionDays: retention ? Number(retention) : null,
          surgeWaitSeconds: surge ? Number(surge) : null,
          triageKeywords: splitList(String(form.get('triageKeywords') ?? '')),
        }),
      l.done,
    );
    load();
  }

  return (
    <section aria-labelledby="queues-title">
      <h2 id="queues-title">{l.tabs.queues}</h2>
      {view}
      {queues.map((queue) => (
        <form key={queue.key} className="admin-form" onSubmit={(event) => void save(event, queue.key)} aria-label={queue.key}>
          <strong>
            {queue.key} — {queue.nameFr}
          </strong>
          <label>
            {l.priority}
            <input name="priority" type="number" min={0} max={3} defaultValue={queue.priority} />
          </label>
          <label>
            {l.requiredSkill}
            <input name="requiredSkill" defaultValue={queue.requiredSkill ?? ''} />
          </label>
          <label>
            {l.retentionDays}
            <input name="retentionDays" type="number" min={1} defaultValue={queue.retentionDays ?? ''} />
          </label>
          <label>
            {l.surgeWaitSeconds}
            <input name="surgeWaitSeconds" type="number" min={10} max={86400} defaultValue={queue.surgeWaitSeconds ?? ''} />
          </label>
          <label>
            Triage
            <input name="triageKeywords" defaultValue={queue.triageKeywords.join(', ')} />
          </label>
          <button type="submit">{l.save}</button>
        </form>
      ))}
    </section>
  );
}

interface Reply {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  language: string;
  ownerAgentId: string | null;
}

export function RepliesPage() {
  const l = useAdminLabels();
  const { run, view } = useFeedback();
  const [replies, setReplies] = useState<Reply[]>([]);
  const load = useCallback(() => void run(async () => setReplies(await api.get<Reply[]>('/api/admin/canned-replies')), undefined, true), []);
  useEffect(load, [load]);

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const owner = String(form.get('ownerAgentId') ?? '').trim();
    const created = await run(
      () =>
        api.post('/api/admin/canned-replies', {
          shortcut: String(form.get('shortcut')),
          title: String(form.get('title')),
          text: String(form.get('text')),
          language: String(form.get('language')),
          ownerAgentId: owner || null,
        }),
      l.done,
    );
    if (created) {
      formElement.reset();
      load();
    }
  }

  return (
    <section aria-labelledby="replies-title">
      <h2 id="replies-title">{l.tabs.replies}</h2>
      {view}
      <form className="admin-form" onSubmit={(event) => void add(event)} aria-label={l.add}>
        <label>
          {l.shortcut}
          <input name="shortcut" required pattern="[a-z0-9\-]{2,30}" />
        </label>
        <label>
          {l.name}
          <input name="title" required />
        </label>
        <label>
          {l.text}
          <textarea name="text" required rows={3} />
        </label>
        <label>
          {l.language}
          <select name="language" defaultValue="fr">
            <option value="fr">fr</option>
            <option value="en">en</option>
          </select>
        </label>
        <label>
          {l.owner} (id)
          <input name="ownerAgentId" />
        </label>
        <button type="submit">{l.add}</button>
      </form>
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">{l.shortcut}</th>
            <th scope="col">{l.language}</th>
            <th scope="col">{l.name}</th>
            <th scope="col">{l.owner}</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {replies.map((reply) => (
            <tr key={reply.id}>
              <td>/{reply.shortcut}</td>
              <td>{reply.language}</td>
              <td title={reply.text}>{reply.title}</td>
              <td>{reply.ownerAgentId ?? l.shared}</td>
              <td>
                <button type="button" onClick={() => void run(() => api.request('DELETE', `/api/admin/canned-replies/${reply.id}`), l.done).then(load)}>
                  {l.remove}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface ChannelStatus {
  channel: string;
  account: string;
  configured: boolean;
  enabled: boolean;
  channelEnabled: boolean;
  lastEventAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}

export function ChannelsPage() {
  const l = useAdminLabels();
  const language = useLanguage();
  const { run, view } = useFeedback();
  const [channels, setChannels] = useState<ChannelStatus[]>([]);
  const load = useCallback(() => void run(async () => setChannels(await api.get<ChannelStatus[]>('/api/admin/channels')), undefined, true), []);
  useEffect(load, [load]);

  async function toggle(status: ChannelStatus) {
    const next = await run(() => api.put<ChannelStatus[]>(`/api/admin/channels/${status.channel}/switch`, { enabled: !status.enabled, account: status.account }), l.done);
    if (next) setChannels(next);
  }

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">{l.tabs.channels}</h2>
      {view}
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">{l.channel}</th>
            <th scope="col">{l.account}</th>
            <th scope="col">{l.switchedOn}</th>
            <th scope="col">{l.lastEvent}</th>
            <th scope="col">{l.lastError}</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.map((status) => (
            <tr key={`${status.channel}:${status.account}`}>
              <td>{status.channel}</td>
              <td>{status.account}</td>
              <td>{status.enabled && status.channelEnabled && status.configured ? '✔' : '✖'}</td>
              <td>{formatInstant(status.lastEventAt, language)}</td>
              <td>{status.lastError ? `${formatInstant(status.lastErrorAt, language)} ${status.lastError}` : l.none}</td>
              <td>
                <button type="button" onClick={() => void toggle(status)}>
                  {status.enabled ? l.switchOff : l.switchOn}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
