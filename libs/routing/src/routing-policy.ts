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
  /** Empty means the agent takes any language. */
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
  /** A reopened conversation goes back to the agent who held it, when that agent is in the pool with room. */
  preferredAgentId?: string | null;
  /** An agent who let it go (no reply, transfer): only a last resort. */
  avoidAgentId?: string | null;
}

export interface RoutingOptions {
  now: Date;
  /** Waiting this long raises a conversation one priority class (never to emergency), so nothing starves. */
  agingStepMs: number;
  /** When no agent with the required skill can take it, give it to an agent without the skill. */
  skillFallback: boolean;
  /**
   * The skill fallback applies at once when no skilled agent is on duty at all; when skilled agents are on duty
   * but full, only after the conversation has waited this long.
   */
  skillFallbackAfterMs: number;
  /** When nobody speaking the conversation's language can take it, give it to an agent who does not. */
  languageFallback: boolean;
  /** Extra seats an emergency may use above an agent's capacity when nobody has room (0 = never). */
  emergencyOverflow: number;
}

export interface PlannedAssignment {
  conversationId: string;
  agentId: string;
  priority: number;
  /** True when an emergency was pushed to an agent already at capacity. */
  overflow: boolean;
}

export const EMERGENCY = 0;

export const DEFAULT_ROUTING_OPTIONS: Omit<RoutingOptions, 'now'> = {
  agingStepMs: 10 * 60_000,
  skillFallback: true,
  skillFallbackAfterMs: 2 * 60_000,
  languageFallback: true,
  emergencyOverflow: 1,
};

/** The priority a conversation is served at, after aging. Emergency stays first and is never reached by aging. */
export function effectivePriority(
  conversation: Pick<WaitingConversation, 'priority' | 'waitingSince'>,
  options: Pick<RoutingOptions, 'now' | 'agingStepMs'>,
): number {
  if (conversation.priority === EMERGENCY) return EMERGENCY;
  const waitedMs = Math.max(0, options.now.getTime() - conversation.waitingSince.getTime());
  const raised = Math.floor(waitedMs / options.agingStepMs);
  return Math.max(EMERGENCY + 1, conversation.priority - raised);
}

/** Queue order: effective priority, then longest wait, then id so the order is total. */
export function orderQueue<T extends WaitingConversation>(waiting: readonly T[], options: Pick<RoutingOptions, 'now' | 'agingStepMs'>): T[] {
  const keyed = waiting.map((conversation) => ({
    conversation,
    priority: effectivePriority(conversation, options),
    since: conversation.waitingSince.getTime(),
  }));
  keyed.sort((a, b) => a.priority - b.priority || a.since - b.since || a.conversation.id.localeCompare(b.conversation.id));
  return keyed.map((entry) => entry.conversation);
}

function speaks(agent: RoutingAgent, language: string): boolean {
  return agent.languages.length === 0 || agent.languages.includes(language);
}

/** Lowest load ratio first, then the one idle the longest (never assigned counts as idle the longest). */
export function compareAgents(a: RoutingAgent, b: RoutingAgent): number {
  return (
    a.load / a.capacity - b.load / b.capacity ||
    (a.lastAssignedAt?.getTime() ?? -Infinity) - (b.lastAssignedAt?.getTime() ?? -Infinity) ||
    a.id.localeCompare(b.id)
  );
}

/** Skills held by at least one agent of the pool, full or not: "no skilled agent on duty" is read from it. */
export function skillsOnDuty(agents: readonly RoutingAgent[]): Set<string> {
  const skills = new Set<string>();
  for (const agent of agents) for (const skill of agent.skills) skills.add(skill);
  return skills;
}

const NOT_ELIGIBLE = -1;
/** Tiers of eligibility, best first; an avoided agent is pushed behind every other agent. */
const TIER_PREFERRED = 0;
const TIER_SKILLED_SPEAKS = 1;
const TIER_SKILLED = 2;
const TIER_SPEAKS = 3;
const TIER_ANY = 4;
const AVOIDED_OFFSET = 5;
const TIER_COUNT = 10;

/**
 * The tier at which an agent could take a conversation, ignoring capacity, or NOT_ELIGIBLE. Emergencies take any
 * agent: the skill and language preferences only order the candidates.
 */
export function eligibilityTier(
  agent: RoutingAgent,
  conversation: WaitingConversation,
  options: Omit<RoutingOptions, 'emergencyOverflow'>,
  onDutySkills: ReadonlySet<string>,
): number {
  if (conversation.preferredAgentId && agent.id === conversation.preferredAgentId) return TIER_PREFERRED;
  const emergency = conversation.priority === EMERGENCY;
  const skilled = conversation.requiredSkill === null || agent.skills.includes(conversation.requiredSkill);
  const speaksIt = speaks(agent, conversation.language);
  let tier: number;
  if (skilled) {
    tier = speaksIt ? TIER_SKILLED_SPEAKS : emergency || options.languageFallback ? TIER_SKILLED : NOT_ELIGIBLE;
  } else {
    const waitedMs = options.now.getTime() - conversation.waitingSince.getTime();
    const fallback =
      emergency ||
      (options.skillFallback &&
        (!onDutySkills.has(conversation.requiredSkill!) || waitedMs >= options.skillFallbackAfterMs));
    if (!fallback) tier = NOT_ELIGIBLE;
    else tier = speaksIt ? TIER_SPEAKS : emergency || options.languageFallback ? TIER_ANY : NOT_ELIGIBLE;
  }
  if (tier !== NOT_ELIGIBLE && conversation.avoidAgentId && agent.id === conversation.avoidAgentId) {
    tier += AVOIDED_OFFSET;
  }
  return tier;
}

/**
 * The best agent for one conversation among those with room (load below `seatLimit(agent)`), or null.
 * One pass over the candidates, keeping the best agent of each tier.
 */
export function pickAgent(
  conversation: WaitingConversation,
  candidates: readonly RoutingAgent[],
  options: RoutingOptions,
  onDutySkills: ReadonlySet<string> = skillsOnDuty(candidates),
  seatLimit: (agent: RoutingAgent) => number = (agent) => agent.capacity,
): RoutingAgent | null {
  const best: (RoutingAgent | undefined)[] = new Array(TIER_COUNT);
  for (const agent of candidates) {
    if (agent.load >= seatLimit(agent)) continue;
    const tier = eligibilityTier(agent, conversation, options, onDutySkills);
    if (tier === NOT_ELIGIBLE) continue;
    const current = best[tier];
    if (!current || compareAgents(agent, current) < 0) best[tier] = agent;
  }
  return best.find((agent) => agent !== undefined) ?? null;
}

/**
 * Serves the queue in order, each conversation to the best agent at that moment, updating loads as it goes.
 * A conversation nobody can take is skipped, so that a later one that someone can take is not blocked behind it.
 * An emergency nobody has room for may overflow the least loaded agent by `emergencyOverflow` seats.
 * `agents` may leave out full agents when no emergency waits, as long as `onDutySkills` covers every agent on duty.
 */
export function planAssignments(
  waiting: readonly WaitingConversation[],
  agents: readonly RoutingAgent[],
  options: RoutingOptions,
  onDutySkills: ReadonlySet<string> = skillsOnDuty(agents),
): PlannedAssignment[] {
  const pool = agents.map((agent) => ({ ...agent }));
  let withRoom = pool.filter((agent) => agent.load < agent.capacity);
  const plan: PlannedAssignment[] = [];
  for (const conversation of orderQueue(waiting, options)) {
    const emergency = conversation.priority === EMERGENCY;
    if (withRoom.length === 0 && !(emergency && options.emergencyOverflow > 0)) {
      // The queue is ordered with emergencies first: once nobody has room, nothing after can be served.
      break;
    }
    let agent = pickAgent(conversation, withRoom, options, onDutySkills);
    if (!agent && emergency && options.emergencyOverflow > 0) {
      agent = pickAgent(conversation, pool, options, onDutySkills, (a) => a.capacity + options.emergencyOverflow);
    }
    if (!agent) continue;
    const overflow = agent.load >= agent.capacity;
    agent.load += 1;
    agent.lastAssignedAt = options.now;
    if (agent.load >= agent.capacity) withRoom = withRoom.filter((candidate) => candidate !== agent);
    plan.push({ conversationId: conversation.id, agentId: agent.id, priority: conversation.priority, overflow });
  }
  return plan;
}

/** An assigned conversation its gendarme has not answered in time: who holds it, and how it would be routed. */
export interface UnansweredConversation extends WaitingConversation {
  heldBy: string;
}

/**
 * The unanswered conversations that another gendarme could take now, served in queue order as routing would (so two
 * of them do not count on the same free seat; an emergency may overflow a full gendarme), with the gendarme who
 * holds each one left out. A conversation nobody else can take is left out of the result: releasing it would hand it
 * straight back to the same person, so it stays with them and is escalated to the supervisors instead.
 */
export function takeableByAnother(
  unanswered: readonly UnansweredConversation[],
  agents: readonly RoutingAgent[],
  options: RoutingOptions,
  onDutySkills: ReadonlySet<string> = skillsOnDuty(agents),
): Set<string> {
  const pool = agents.map((agent) => ({ ...agent }));
  const takeable = new Set<string>();
  for (const conversation of orderQueue(unanswered, options)) {
    const others = pool.filter((agent) => agent.id !== conversation.heldBy);
    const candidate = { ...conversation, preferredAgentId: null, avoidAgentId: null };
    let agent = pickAgent(candidate, others, options, onDutySkills);
    if (!agent && conversation.priority === EMERGENCY && options.emergencyOverflow > 0) {
      agent = pickAgent(candidate, others, options, onDutySkills, (a) => a.capacity + options.emergencyOverflow);
    }
    if (!agent) continue;
    agent.load += 1;
    takeable.add(conversation.id);
  }
  return takeable;
}
