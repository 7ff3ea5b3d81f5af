// The administration pages: tabs over agents, roster, queues, canned replies, knowledge base, units, channels,
// contacts, the audit log and the quarantine. Supervisors see the roster; knowledge-base editors see the articles.
import { useState } from 'react';
import { useAdminLabels } from './admin-labels';
import { AgentsPage } from './agents-page';
import { RosterPage } from './roster-page';
import { ChannelsPage, QueuesPage, RepliesPage } from './settings-pages';
import { QuarantinePage } from './quarantine-page';
import { AuditPageView, ContactsPage } from './records-pages';
import { KnowledgePage } from './knowledge-page';
import { UnitsPage } from './units-page';
import './admin.css';

type Tab = 'agents' | 'roster' | 'queues' | 'replies' | 'knowledge' | 'units' | 'channels' | 'contacts' | 'audit' | 'quarantine';

const PAGES: Record<Tab, (props: { role: string }) => React.JSX.Element> = {
  agents: AgentsPage,
  roster: RosterPage,
  queues: QueuesPage,
  replies: RepliesPage,
  knowledge: KnowledgePage,
  units: UnitsPage,
  channels: ChannelsPage,
  contacts: ContactsPage,
  audit: AuditPageView,
  quarantine: QuarantinePage,
};

/** The tabs a role sees; `knowledgeEditor`: an agent or supervisor given the knowledge-base editor permission. */
function tabsFor(role: string, knowledgeEditor: boolean): Tab[] {
  if (role === 'admin') return ['agents', 'roster', 'queues', 'replies', 'knowledge', 'units', 'channels', 'contacts', 'audit', 'quarantine'];
  const tabs: Tab[] = role === 'supervisor' ? ['roster'] : [];
  return knowledgeEditor ? [...tabs, 'knowledge'] : tabs;
}

export function AdminScreen({ role, knowledgeEditor = false }: { role: string; knowledgeEditor?: boolean }) {
  const l = useAdminLabels();
  const tabs = tabsFor(role, knowledgeEditor);
  // `#/admin/quarantine` (the console's quarantine notice links there) opens that page, for those who may see it.
  const linked = window.location.hash.split('/')[2] as Tab | undefined;
  const [chosen, setTab] = useState<Tab>(linked && tabs.includes(linked) ? linked : tabs[0]);
  const tab = tabs.includes(chosen) ? chosen : tabs[0];
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
      <div role="tabpanel" aria-label={l.tabs[tab]}>
        <Page role={role} />
      </div>
    </main>
  );
}
