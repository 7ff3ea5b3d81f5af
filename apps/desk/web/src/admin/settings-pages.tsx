// Queues, canned replies and channels: the settings routing, the desk and the webhooks read live.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { DataTable, Field, TableColumn, formatInstant, splitList, useFeedback } from './admin-kit';

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
  const { run, view, fieldErrors } = useFeedback();
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

  const replyColumns: TableColumn<Reply>[] = [
    { key: 'shortcut', label: l.shortcut, sortValue: (reply) => reply.shortcut, render: (reply) => `/${reply.shortcut}` },
    { key: 'language', label: l.language, sortValue: (reply) => reply.language, render: (reply) => reply.language },
    { key: 'title', label: l.name, sortValue: (reply) => reply.title, render: (reply) => <span title={reply.text}>{reply.title}</span> },
    { key: 'owner', label: l.owner, sortValue: (reply) => reply.ownerAgentId ?? '', render: (reply) => reply.ownerAgentId ?? l.shared },
    {
      key: 'actions',
      label: <span className="sr-only">{l.actions}</span>,
      render: (reply) => (
        <button type="button" onClick={() => void run(() => api.request('DELETE', `/api/admin/canned-replies/${reply.id}`), l.done).then(load)}>
          {l.remove}
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="replies-title">
      <h2 id="replies-title">{l.tabs.replies}</h2>
      {view}
      <form className="admin-form" onSubmit={(event) => void add(event)} aria-label={l.add} noValidate>
        <Field label={l.shortcut} names={['shortcut']} errors={fieldErrors}>
          <input name="shortcut" required pattern="[a-z0-9\-]{2,30}" />
        </Field>
        <Field label={l.name} names={['title']} errors={fieldErrors}>
          <input name="title" required />
        </Field>
        <Field label={l.text} names={['text']} errors={fieldErrors}>
          <textarea name="text" required rows={3} />
        </Field>
        <Field label={l.language} names={['language']} errors={fieldErrors}>
          <select name="language" defaultValue="fr">
            <option value="fr">fr</option>
            <option value="en">en</option>
          </select>
        </Field>
        <Field label={`${l.owner} (id)`} names={['ownerAgentId']} errors={fieldErrors}>
          <input name="ownerAgentId" />
        </Field>
        <button type="submit">{l.add}</button>
      </form>
      <DataTable rows={replies} columns={replyColumns} rowKey={(reply) => reply.id} testId="replies-table" caption={l.tabs.replies} initialSort={{ key: 'shortcut', direction: 'ascending' }} />
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

  const channelColumns: TableColumn<ChannelStatus>[] = [
    { key: 'channel', label: l.channel, sortValue: (status) => status.channel, render: (status) => status.channel },
    { key: 'account', label: l.account, sortValue: (status) => status.account, render: (status) => status.account },
    {
      key: 'on',
      label: l.switchedOn,
      sortValue: (status) => (status.enabled && status.channelEnabled && status.configured ? 0 : 1),
      render: (status) => (status.enabled && status.channelEnabled && status.configured ? '✔' : '✖'),
    },
    { key: 'lastEvent', label: l.lastEvent, sortValue: (status) => status.lastEventAt, render: (status) => formatInstant(status.lastEventAt, language) },
    {
      key: 'lastError',
      label: l.lastError,
      sortValue: (status) => status.lastErrorAt,
      render: (status) => (status.lastError ? `${formatInstant(status.lastErrorAt, language)} ${status.lastError}` : l.none),
    },
    {
      key: 'actions',
      label: <span className="sr-only">{l.actions}</span>,
      render: (status) => (
        <button type="button" onClick={() => void toggle(status)}>
          {status.enabled ? l.switchOff : l.switchOn}
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">{l.tabs.channels}</h2>
      {view}
      <DataTable rows={channels} columns={channelColumns} rowKey={(status) => `${status.channel}:${status.account}`} testId="channels-table" caption={l.tabs.channels} />
    </section>
  );
}
