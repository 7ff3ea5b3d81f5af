/**
 * The Socket.io contract between the platform and its browsers: event names and payloads in one place,
 * used by the gateways, the worker's publisher and the web apps alike.
 */
import type { AgentLoadView, QueueLoadView } from './supervisor-views';

export type PresenceValue = 'available' | 'away' | 'offline';
export type DeliveryStatusValue = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface DeskMessageView {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound' | 'internal';
  author: 'citizen' | 'agent' | 'system';
  authorAgentId: string | null;
  text: string;
  attachments: MessageAttachmentView[];
  deliveryStatus: DeliveryStatusValue;
  deliveryError: string | null;
  createdAt: string;
}

/**
 * A file or link of a message. A file the platform stored has an `attachmentId` (the desk asks for a short-lived
 * signed link to open it); a provider link it could not download says why in `unavailable` and keeps its `url`.
 */
export interface MessageAttachmentView {
  type: string;
  url: string;
  name?: string;
  attachmentId?: string;
  contentType?: string;
  size?: number;
  unavailable?: string;
}

export interface DeskConversationView {
  id: string;
  channel: string;
  status: 'waiting' | 'assigned' | 'closed' | 'abandoned';
  queue: string;
  priority: number;
  /** The citizen's language (fr, en, de, it, es): answer in it. */
  language: string;
  contact: { id: string; name: string };
  assigneeId: string | null;
  createdAt: string;
  waitingSince: string;
  assignedAt: string | null;
  lastCitizenMessageAt: string | null;
  lastMessage: DeskMessageView | null;
  /** Free labels set on the desk. */
  tags: string[];
  /** The web chat citizen used the quick exit ("Quitter et effacer") at this time: they will not read replies. */
  citizenLeftAt: string | null;
  /** The citizen's satisfaction rating at the end (1 to 5), if they gave one. */
  citizenRating: number | null;
}

/**
 * The contact's earlier conversations on any channel (GET /api/conversations/:id/contact-history), newest first;
 * sensitive ones are left out and only counted.
 */
export interface DeskContactHistoryView {
  /**
   * Who the citizen is, for the desk's contact panel: the pseudonym always, the name unless this conversation is
   * sensitive, their identities on each channel (the channel's own name for them; never shown for a sensitive one) and
   * how many contacts an administrator linked as the same citizen.
   */
  contact: {
    pseudonym: string;
    displayName: string | null;
    sensitive: boolean;
    identities: { channel: string; name: string | null }[];
    linkedContacts: number;
  };
  conversations: { conversation: DeskConversationView; closeOutcome: string | null; messages: DeskMessageView[] }[];
  hiddenSensitive: number;
}

/** Which conversations the desk list shows (GET /api/desk/conversations?scope=): "all" is for supervisors and admins. */
export type DeskListScope = 'mine' | 'queues' | 'all';

/**
 * One message found by the desk's full-text search (GET /api/desk/search). `snippet` is plain text (never markup);
 * `highlights` are [start, end) offsets of the matching words in it, which the desk wraps in <mark>.
 */
export interface DeskSearchHitView {
  conversationId: string;
  messageId: string;
  createdAt: string;
  channel: string;
  queue: string;
  status: 'waiting' | 'assigned' | 'closed' | 'abandoned';
  author: 'citizen' | 'agent' | 'system';
  direction: 'inbound' | 'outbound' | 'internal';
  /** The contact's name, or only the pseudonym for a sensitive conversation. */
  contactName: string;
  assigneeId: string | null;
  snippet: string;
  highlights: [number, number][];
}

export interface DeskSearchResultView {
  hits: DeskSearchHitView[];
  /** More hits exist past `hits` (ask again with a narrower query or filters). */
  more: boolean;
}

/** An active queue a conversation can be transferred to (GET /api/desk/queues). */
export interface DeskQueueView {
  key: string;
  nameFr: string;
  nameEn: string;
}

/** A ready-made answer, inserted in the reply box by its shortcut (GET /api/canned-replies). */
export interface CannedReplyView {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  language: string;
}

/**
 * Why a conversation reached an agent (`conversation:assigned`, and the desk's GET /api/conversations/:id, 'read'):
 * the trigger of the routing decision, or the manual move. docs/realtime.md lists each one (checked by a test).
 */
export const ASSIGNMENT_REASONS = [
  'new-conversation',
  'reopened',
  'agent-available',
  'capacity-freed',
  'escalated',
  'presence-offline',
  'presence-grace',
  'tick',
  'trigger',
  'reinforcement',
  'duty-change',
  'transfer',
  'reassign',
  'agent-created',
  'agent-updated',
  'agent-deactivated',
  'agents-imported',
  'roster-changed',
  'queue-changed',
  'read',
] as const;
export type AssignmentReason = (typeof ASSIGNMENT_REASONS)[number];

/** Why a conversation left an agent (`conversation:removed`). */
export const REMOVAL_REASONS = ['agent-offline', 'off-duty', 'shift-end', 'no-reply', 'transfer', 'reassign'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** Why the server asks browsers to re-fetch their state (`resync`). */
export const RESYNC_REASONS = ['redis-reconnected'] as const;
export type ResyncReason = (typeof RESYNC_REASONS)[number];

/** What the web apps show of the deployment, read before sign-in (GET /api/interface). */
export interface InterfaceSettingsView {
  /** The State brand block (Marianne, "République française") for a State deployment; a neutral header otherwise. */
  stateBrand: boolean;
  deployerName: string;
  /** The roster's time zone: shift times are shown in it on every screen. */
  rosterTimeZone: string;
}

export interface DeskAssignmentEvent {
  conversation: DeskConversationView;
  messages: DeskMessageView[];
  /** One of ASSIGNMENT_REASONS (the routing trigger travels as a string through the queue and the database). */
  reason: string;
}

export interface DeskServerToClientEvents {
  /** Events may have been lost (Redis restarted): re-fetch the state over REST. */
  resync: (event: { reason: ResyncReason }) => void;
  'conversation:assigned': (event: DeskAssignmentEvent) => void;
  'conversation:updated': (conversation: DeskConversationView) => void;
  'conversation:removed': (event: { conversationId: string; reason: RemovalReason }) => void;
  /**
   * An emergency was just assigned to me (sent after its 'conversation:assigned'): the desk interrupts the agent.
   * `overflow` is true when it was given above my capacity because nobody had room.
   */
  'conversation:emergency': (event: { conversationId: string; priority: number; overflow: boolean }) => void;
  'message:new': (message: DeskMessageView) => void;
  'message:status': (event: {
    messageId: string;
    conversationId: string;
    status: DeliveryStatusValue;
    error: string | null;
  }) => void;
  'presence:changed': (event: { presence: PresenceValue }) => void;
  /** The citizen is typing (web chat) in one of my conversations. */
  'conversation:typing': (event: { conversationId: string; typing: boolean }) => void;
  /** The web chat citizen used the quick exit: their device kept nothing and they will not read replies. */
  'conversation:citizen-left': (event: { conversationId: string; leftAt: string }) => void;
  /** The web chat citizen rated the conversation (1 to 5). */
  'conversation:rated': (event: { conversationId: string; rating: number }) => void;
  /**
   * Supervisors and administrators: a conversation needs them now. 'no-reply': its gendarme has not answered within
   * the no-reply delay and no other gendarme on duty could take it, so it stays with them (once per assignment).
   */
  'supervisor:alert': (event: SupervisorAlertEvent) => void;
  /** Supervisors watching the queue (`queue:watch`): the console's live numbers, at most one snapshot a second. */
  'queue:status': (status: QueueStatusEvent) => void;
  /**
   * Supervisors and administrators: surge mode changed (applied, undone, reinforcements ended) or the surge watch's
   * advice changed (a proposal appeared or went, the queues calmed down). The same view as GET /api/supervisor/surge.
   */
  'surge:status': (status: SurgeView) => void;
  /** To a reserve agent: surge mode put me on duty until `until` (sign in and set myself available). */
  'surge:reinforcement': (event: SurgeReinforcementEvent) => void;
}

/** One watched queue past its surge threshold: what the supervisor is told the proposal rests on. */
export interface SurgeTriggerView {
  queue: string;
  measure: 'longest-wait' | 'estimated-wait' | 'nobody-on-duty';
  seconds: number;
  thresholdSeconds: number;
  waiting: number;
}

/** Surge mode as the supervisors see it: state, the watch's advice, the reserve list. */
export interface SurgeView {
  active: boolean;
  /** The deployment applies surge mode automatically when the watch proposes it (SURGE_AUTO_APPLY). */
  autoApply: boolean;
  /** Set while active: when, by whom ('Application automatique' for the platform) and why. */
  applied: {
    at: string;
    byName: string;
    automatic: boolean;
    triggers: SurgeTriggerView[];
    reinforcements: { agentId: string; displayName: string; until: string }[];
  } | null;
  /** The watch proposes surge mode now (only while it is off). */
  proposal: { triggers: SurgeTriggerView[]; reinforcements: number; at: string } | null;
  /** Surge mode is on and every watched queue is well under its threshold: undoing it is suggested. */
  calm: boolean;
  /** Reserve agents (active), whether they are on duty now, and whether they have an e-mail address for the call. */
  reserve: { agentId: string; displayName: string; onDuty: boolean; hasEmail: boolean }[];
  /** How long reinforcements stay on duty, in hours. */
  reinforcementHours: number;
}

export interface SurgeReinforcementEvent {
  until: string;
  byName: string;
}

export interface SupervisorAlertEvent {
  kind: 'no-reply';
  conversationId: string;
  agentId: string;
  agentName: string;
  priority: number;
  queue: string;
  /** ISO time since which the citizen waits for an answer (the assignment). */
  since: string;
}

/** The same figures as GET /api/supervisor/queue (default thresholds) and GET /api/supervisor/agents. */
export interface QueueStatusEvent {
  queue: QueueLoadView;
  agents: AgentLoadView[];
}

export type Ack<T> = (result: { ok: true; data: T } | { ok: false; error: string; status: number }) => void;

export interface DeskClientToServerEvents {
  'presence:set': (request: { presence: PresenceValue }, ack: Ack<{ presence: PresenceValue }>) => void;
  'message:send': (
    request: { conversationId: string; clientMessageId: string; text: string },
    ack: Ack<DeskMessageView>,
  ) => void;
  /** The agent is typing: forwarded to the citizen where the channel supports it. */
  typing: (request: { conversationId: string; typing: boolean }) => void;
  /** Start (true) or stop receiving `queue:status`: supervisors and admins only (403 otherwise). */
  'queue:watch': (request: { watch: boolean }, ack: Ack<{ watching: boolean }>) => void;
  /**
   * A fresh access token of the same session (after a refresh): the socket then lives until its expiry instead of
   * being disconnected at the old token's.
   */
  'session:renew': (request: { token: string }, ack: Ack<{ expiresAt: string }>) => void;
}

export interface CitizenMessageView {
  id: string;
  conversationId: string;
  author: 'citizen' | 'agent' | 'system';
  authorName?: string;
  text: string;
  at: string;
  /** The citizen's own messages: the id the widget chose when sending, so it can match what it already shows. */
  clientMessageId?: string;
  /** The citizen's own messages: set once the assigned gendarme has opened the conversation after it arrived. */
  read?: true;
  /** Names of the files the message carried (the files themselves are never sent back to the widget). */
  fileNames?: string[];
}

export interface WebchatServerToClientEvents {
  /** Messages may have been lost (Redis restarted): the server follows with a fresh `history`. */
  resync: (event: { reason: ResyncReason }) => void;
  session: (session: { token: string; visitorId: string }) => void;
  history: (history: { messages: CitizenMessageView[] }) => void;
  message: (message: CitizenMessageView) => void;
  status: (status: CitizenStatus) => void;
  /** A gendarme is writing. */
  typing: (event: { typing: boolean }) => void;
  /** Delivery state of the citizen's own messages (accepted by the platform, read by the gendarme). */
  'message:status': (event: {
    id: string;
    status: 'accepted' | 'read';
    /** The id the widget chose when sending, for a message it knows only by that id. */
    clientMessageId?: string;
  }) => void;
}

export interface CitizenStatus {
  state: 'waiting' | 'assigned' | 'closed';
  /** With `closed`: a gendarme ended the conversation (otherwise nobody could answer in time). */
  closedBy?: 'agent';
  agentName?: string;
  /** 1 = next to be served. */
  queuePosition?: number;
  estimatedWaitSeconds?: number;
}

export interface WebchatClientToServerEvents {
  /** `language`: the widget's language (fr, en, de, it, es); a new conversation is answered in it. */
  'message:send': (
    request: { clientMessageId: string; text: string; language?: string },
    ack: Ack<{ id: string }>,
  ) => void;
  /** The citizen switched the widget's language: the open conversation, if any, is answered in it from now on. */
  'session:language': (request: { language: string }, ack: Ack<{ language: string; applied: boolean }>) => void;
  'message:ack': (request: { ids: string[] }) => void;
  typing: (request: { typing: boolean }) => void;
  /** Quick exit: the citizen left and erased this device; the agent is told. */
  'session:leave': (request: Record<string, never>, ack: Ack<{ left: true }>) => void;
  /** Optional satisfaction rating at the end of the conversation, 1 (bad) to 5 (very good). */
  'session:rate': (request: { rating: number }, ack: Ack<{ rated: true }>) => void;
}

export const DESK_NAMESPACE = '/desk';
export const WEBCHAT_NAMESPACE = '/webchat';

export const agentRoom = (agentId: string): string => `agent:${agentId}`;
export const citizenRoom = (visitorId: string): string => `citizen:${visitorId}`;
export const SUPERVISORS_ROOM = 'supervisors';
/** Supervisor sockets showing the console: they receive `queue:status`. */
export const QUEUE_WATCH_ROOM = 'supervisors:queue';
