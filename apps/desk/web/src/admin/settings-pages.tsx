// Queues, canned replies and channels: the settings routing, the desk and the webhooks read live.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { DataTable, Field, FieldErrors, TableColumn, formatInstant, splitList, useFeedback } from './admin-kit';

interface Queue {
  key: string;
  nameFr: string;
  nameEn: string;
  priority: number;
  requiredSkill: string | null;
  retentionDays: number | null;
  slaWaitSeconds: number;
  emailSlaHours: number;
  noReplyRerouteMinutes: number | null;
  /** Surge watch threshold in seconds; null: the queue is not watched. */
  surgeWaitSeconds: number | null;
  triageKeywords: string[];
  sensitive: boolean;
  active: boolean;
}

/** An optional whole number from a form field: empty means "not set" (null). */
const optionalNumber = (value: FormDataEntryValue | null): number | null => {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
};

/**
 * The topic queues as one sortable table; a queue's settings open in an editor under it (one form at a time, the
 * server's reasons under each field), and a new queue is created from the same editor.
 */
export function QueuesPage() {
  const l = useAdminLabels();
  const q = l.queuesPage;
  const language = useLanguage();
  const { run, view, fieldErrors, setFieldErrors } = useFeedback();
  const [queues, setQueues] = useState<Queue[]>([]);
  /** The queue being edited, 'new' for a new one, null when the editor is closed. */
  const [editing, setEditing] = useState<string | null>(null);
  const load = useCallback(() => void run(async () => setQueues(await api.get<Queue[]>('/api/admin/queues')), undefined, true), []);
  useEffect(load, [load]);
  const nameOf = (queue: Queue) => (language === 'en' ? queue.nameEn : queue.nameFr);
  const current = editing && editing !== 'new' ? queues.find((queue) => queue.key === editing) ?? null : null;

  function open(key: string) {
    setFieldErrors({});
    setEditing(key);
  }

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const changes = {
      nameFr: String(form.get('nameFr') ?? '').trim(),
      nameEn: String(form.get('nameEn') ?? '').trim(),
      priority: Number(form.get('priority')),
      requiredSkill: String(form.get('requiredSkill') ?? '').trim() || null,
      slaWaitSeconds: Number(form.get('slaWaitSeconds')),
      emailSlaHours: Number(form.get('emailSlaHours')),
      noReplyRerouteMinutes: optionalNumber(form.get('noReplyRerouteMinutes')),
      surgeWaitSeconds: optionalNumber(form.get('surgeWaitSeconds')),
      retentionDays: optionalNumber(form.get('retentionDays')),
      triageKeywords: splitList(String(form.get('triageKeywords') ?? '')),
      sensitive: form.get('sensitive') === 'on',
      active: form.get('active') === 'on',
    };
    const saved =
      editing === 'new'
        ? await run(() => api.request('POST', '/api/admin/queues', { key: String(form.get('key') ?? '').trim(), ...changes }), q.created)
        : await run(() => api.request('PATCH', `/api/admin/queues/${current?.key ?? ''}`, changes), l.done);
    if (saved === undefined) return;
    setEditing(null);
    load();
  }

  const columns: TableColumn<Queue>[] = [
    { key: 'name', label: l.name, sortValue: nameOf, render: (queue) => <strong>{nameOf(queue)}</strong> },
    { key: 'key', label: l.key, sortValue: (queue) => queue.key, render: (queue) => <code>{queue.key}</code> },
    { key: 'priority', label: l.priority, sortValue: (queue) => queue.priority, render: (queue) => q.priorities[queue.priority] ?? queue.priority },
    { key: 'skill', label: l.requiredSkill, sortValue: (queue) => queue.requiredSkill, render: (queue) => queue.requiredSkill ?? q.anyone },
    { key: 'sla', label: q.slaWaitSeconds, sortValue: (queue) => queue.slaWaitSeconds, render: (queue) => queue.slaWaitSeconds },
    { key: 'surge', label: l.surgeWaitSeconds, sortValue: (queue) => queue.surgeWaitSeconds, render: (queue) => queue.surgeWaitSeconds ?? q.notWatched },
    { key: 'retention', label: l.retentionDays, sortValue: (queue) => queue.retentionDays, render: (queue) => queue.retentionDays ?? q.forever },
    { key: 'active', label: l.active, sortValue: (queue) => queue.active, render: (queue) => (queue.active ? q.yes : q.no) },
    {
      key: 'actions',
      label: l.actions,
      render: (queue) => (
        <button type="button" className="link" aria-label={q.edit(nameOf(queue))} onClick={() => open(queue.key)}>
          {q.editButton}
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="queues-title">
      <h2 id="queues-title">{l.tabs.queues}</h2>
      <p className="help">{q.help}</p>
      {view}
      <DataTable rows={queues} columns={columns} rowKey={(queue) => queue.key} testId="queues-table" caption={l.tabs.queues} initialSort={{ key: 'priority', direction: 'ascending' }} />
      <p>
        <button type="button" onClick={() => open('new')}>
          {q.newQueue}
        </button>
      </p>
      {editing && (editing === 'new' || current) && (
        <QueueEditor key={editing} queue={current} onSubmit={(event) => void save(event)} onClose={() => setEditing(null)} errors={fieldErrors} title={current ? q.editTitle(nameOf(current)) : q.newQueue} />
      )}
    </section>
  );
}

function QueueEditor({
  queue,
  title,
  errors,
  onSubmit,
  onClose,
}: {
  queue: Queue | null;
  title: string;
  errors: FieldErrors;
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  onClose: () => void;
}) {
  const l = useAdminLabels();
  const q = l.queuesPage;
  return (
    <form className="admin-form queue-editor" aria-label={title} onSubmit={onSubmit}>
      <h3>{title}</h3>
      {!queue && (
        <Field label={l.key} names={['key']} errors={errors} hint={q.keyHint}>
          <input name="key" required />
        </Field>
      )}
      <Field label={q.nameFr} names={['nameFr']} errors={errors}>
        <input name="nameFr" required defaultValue={queue?.nameFr ?? ''} />
      </Field>
      <Field label={q.nameEn} names={['nameEn']} errors={errors}>
        <input name="nameEn" required defaultValue={queue?.nameEn ?? ''} />
      </Field>
      <Field label={l.priority} names={['priority']} errors={errors}>
        <select name="priority" defaultValue={queue?.priority ?? 2}>
          {q.priorities.map((label, value) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label={l.requiredSkill} names={['requiredSkill']} errors={errors}>
        <input name="requiredSkill" defaultValue={queue?.requiredSkill ?? ''} />
      </Field>
      <Field label={q.slaWaitSeconds} names={['slaWaitSeconds']} errors={errors}>
        <input name="slaWaitSeconds" type="number" min={10} max={86400} required defaultValue={queue?.slaWaitSeconds ?? 120} />
      </Field>
      <Field label={q.emailSlaHours} names={['emailSlaHours']} errors={errors}>
        <input name="emailSlaHours" type="number" min={1} max={720} required defaultValue={queue?.emailSlaHours ?? 24} />
      </Field>
      <Field label={q.noReplyRerouteMinutes} names={['noReplyRerouteMinutes']} errors={errors}>
        <input name="noReplyRerouteMinutes" type="number" min={1} max={1440} defaultValue={queue?.noReplyRerouteMinutes ?? ''} />
      </Field>
      <Field label={l.surgeWaitSeconds} names={['surgeWaitSeconds']} errors={errors}>
        <input name="surgeWaitSeconds" type="number" min={10} max={86400} defaultValue={queue?.surgeWaitSeconds ?? ''} />
      </Field>
      <Field label={l.retentionDays} names={['retentionDays']} errors={errors}>
        <input name="retentionDays" type="number" min={1} max={3650} defaultValue={queue?.retentionDays ?? ''} />
      </Field>
      <Field label={q.triageKeywords} names={['triageKeywords']} errors={errors} className="wide">
        <input name="triageKeywords" defaultValue={queue?.triageKeywords.join(', ') ?? ''} />
      </Field>
      <label className="checkbox">
        <input name="sensitive" type="checkbox" defaultChecked={queue?.sensitive ?? false} /> {q.sensitive}
      </label>
      <label className="checkbox">
        <input name="active" type="checkbox" defaultChecked={queue?.active ?? true} /> {l.active}
      </label>
      <div className="actions">
        <button type="submit">{queue ? l.save : q.create}</button>
        <button type="button" className="link" onClick={onClose}>
          {q.cancel}
        </button>
      </div>
    </form>
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
