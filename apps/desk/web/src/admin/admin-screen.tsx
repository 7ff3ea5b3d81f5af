// The administration pages: tabs over agents, roster, queues, canned replies, channels, contacts and the audit log.
// Supervisors see the roster only (the other routes are for administrators).
import { useState } from 'react';
import { useAdminLabels } from './admin-labels';
import { AgentsPage } from './agents-page';
import { RosterPage } from './roster-page';
import { ChannelsPage, QueuesPage, RepliesPage } from './settings-pages';
import { QuarantinePage } from './quarantine-page';
import { AuditPageView, ContactsPage } from './records-pages';
import './admin.css';

type Tab = 'agents' | 'roster' | 'queues' | 'replies' | 'channels' | 'contacts' | 'audit' | 'quarantine';

const PAGES: Record<Tab, () => React.JSX.Element> = {
  agents: AgentsPage,
  roster: RosterPage,
  queues: QueuesPage,
  replies: RepliesPage,
  channels: ChannelsPage,
  contacts: ContactsPage,
  audit: AuditPageView,
  quarantine: QuarantinePage,
};

export function AdminScreen({ role }: { role: string }) {
  const l = useAdminLabels();
  const tabs: Tab[] = role === 'admin' ? ['agents', 'roster', 'queues', 'replies', 'channels', 'contacts', 'audit', 'quarantine'] : ['roster'];
  // `#/admin/quarantine` (the console's quarantine notice links there) opens that page, for those who may see it.
  const linked = window.location.hash.split('/')[2] as Tab | undefined;
  const [tab, setTab] = useState<Tab>(linked && tabs.includes(linked) ? linked : tabs[0]);
  const Page = PAGES[tab];
  return (
    <main className="admin" id="main">
      <h1>{l.title}</h1>
      <div role="tablist" aria-label={l.title} className="tabs">
        {tabs.map((name) => (
          <button key={name} role="tab" type="button" aria-selected={tab === name} onClick={() => setTab(name)}>
            {l.tabs[name]}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        <Page />
      </div>
    </main>
  );
}
