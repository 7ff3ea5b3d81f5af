/**
 * The routing decision as a pure function: (waiting conversations, agents on duty, their load, now) -> assignments.
 * No I/O here; RoutingService does the locking, the reading and the writing around it.
 */

export interface RoutingAgent {
  id: string;
  capacity: number;
  /** Conversations currently assigned. */
  load: number;
  skills: readonly string[];
  languages: readonly string[];
  lastAssignedAt: Date | null;
}

export interface WaitingConversation {
  id: string;
  /** 0 = emergency, 1 = violence, 2 = normal, 3 = low. */
  priority: number;
  queue: string;
  language: string;
  waitingSince: Date;
  /** Skill an agent must hold to take it; null when any agent may. */
  requiredSkill: string | null;
}

export interface RoutingOptions {
  now: Date;
  /** Waiting this long raises a conversation one priority class (never to emergency), so nothing starves. */
  agingStepMs: number;
  /** When no agent with the required skill has room, give it to any agent with room. */
  skillFallback: boolean;
}

export interface PlannedAssignment {
  conversationId: string;
  agentId: string;
}

export const DEFAULT_ROUTING_OPTIONS: Omit<RoutingOptions, 'now'> = {
  agingStepMs: 10 * 60_000,
  skillFallback: true,
};

const EMERGENCY = 0;

/** The priority a conversation is served at, after aging. Emergency stays first and is never reached by aging. */
export function effectivePriority(conversation: WaitingConversation, options: Pick<RoutingOptions, 'now' | 'agingStepMs'>) {
  if (conversation.priority === EMERGENCY) return EMERGENCY;
  const waitedMs = Math.max(0, options.now.getTime() - conversation.waitingSince.getTime());
  const raised = Math.floor(waitedMs / options.agingStepMs);
  return Math.max(EMERGENCY + 1, conversation.priority - raised);
}

/** Queue order: effective priority, then longest wait, then id so the order is total. */
export function orderQueue(waiting: readonly WaitingConversation[], options: RoutingOptions): WaitingConversation[] {
  return [...waiting].sort(
    (a, b) =>
      effectivePriority(a, options) - effectivePriority(b, options) ||
      a.waitingSince.getTime() - b.waitingSince.getTime() ||
      a.id.localeCompare(b.id),
  );
}

function hasRoom(agent: RoutingAgent): boolean {
  return agent.load < agent.capacity;
}

function speaks(agent: RoutingAgent, language: string): boolean {
  return agent.languages.length === 0 || agent.languages.includes(language);
}

function skilled(agent: RoutingAgent, conversation: WaitingConversation): boolean {
  return conversation.requiredSkill === null || agent.skills.includes(conversation.requiredSkill);
}

/** Lowest load ratio first, then the one idle the longest (never assigned counts as idle the longest). */
export function compareAgents(a: RoutingAgent, b: RoutingAgent): number {
  return (
    a.load / a.capacity - b.load / b.capacity ||
    (a.lastAssignedAt?.getTime() ?? -Infinity) - (b.lastAssignedAt?.getTime() ?? -Infinity) ||
    a.id.localeCompare(b.id)
  );
}

/** The best agent for one conversation, or null when nobody eligible has room. */
export function pickAgent(
  conversation: WaitingConversation,
  agents: readonly RoutingAgent[],
  options: RoutingOptions,
): RoutingAgent | null {
  const withRoom = agents.filter(hasRoom);
  const tiers = [
    withRoom.filter((agent) => skilled(agent, conversation) && speaks(agent, conversation.language)),
    withRoom.filter((agent) => skilled(agent, conversation)),
  ];
  if (options.skillFallback) tiers.push(withRoom.filter((agent) => speaks(agent, conversation.language)), withRoom);
  for (const tier of tiers) {
    if (tier.length > 0) return tier.reduce((best, agent) => (compareAgents(agent, best) < 0 ? agent : best));
  }
  return null;
}

/**
 * Serves the queue in order, each conversation to the best agent at that moment, updating loads as it goes.
 * A conversation nobody can take is skipped, so that a later one that someone can take is not blocked behind it.
 */
export function planAssignments(
  waiting: readonly WaitingConversation[],
  agents: readonly RoutingAgent[],
  options: RoutingOptions,
): PlannedAssignment[] {
  const pool = agents.map((agent) => ({ ...agent }));
  const plan: PlannedAssignment[] = [];
  for (const conversation of orderQueue(waiting, options)) {
    if (!pool.some(hasRoom)) break;
    const agent = pickAgent(conversation, pool, options);
    if (!agent) continue;
    agent.load += 1;
    agent.lastAssignedAt = options.now;
    plan.push({ conversationId: conversation.id, agentId: agent.id });
  }
  return plan;
}
