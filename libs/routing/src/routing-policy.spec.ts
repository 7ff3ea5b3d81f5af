import {
  DEFAULT_ROUTING_OPTIONS,
  RoutingAgent,
  RoutingOptions,
  WaitingConversation,
  compareAgents,
  effectivePriority,
  orderQueue,
  pickAgent,
  planAssignments,
  takeableByAnother,
} from './routing-policy';

const NOW = new Date('2026-03-29T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function agent(id: string, spec: Partial<RoutingAgent> = {}): RoutingAgent {
  return { id, capacity: 4, load: 0, skills: ['general'], languages: ['fr'], lastAssignedAt: null, ...spec };
}

function conversation(id: string, spec: Partial<WaitingConversation> = {}): WaitingConversation {
  return {
    id,
    priority: 2,
    queue: 'general',
    language: 'fr',
    waitingSince: minutesAgo(1),
    requiredSkill: null,
    ...spec,
  };
}

function options(spec: Partial<RoutingOptions> = {}): RoutingOptions {
  return { ...DEFAULT_ROUTING_OPTIONS, now: NOW, ...spec };
}

const assignedTo = (plan: { conversationId: string; agentId: string }[]) =>
  Object.fromEntries(plan.map((p) => [p.conversationId, p.agentId]));

describe('effectivePriority (aging)', () => {
  const aging = { now: NOW, agingStepMs: 10 * 60_000 };

  it('keeps the class of a conversation that has not waited a full step', () => {
    expect(effectivePriority(conversation('c', { priority: 3, waitingSince: minutesAgo(9) }), aging)).toBe(3);
  });

  it('raises a conversation one class per step waited', () => {
    expect(effectivePriority(conversation('c', { priority: 3, waitingSince: minutesAgo(10) }), aging)).toBe(2);
    expect(effectivePriority(conversation('c', { priority: 3, waitingSince: minutesAgo(25) }), aging)).toBe(1);
  });

  it('never raises a conversation to emergency by waiting', () => {
    expect(effectivePriority(conversation('c', { priority: 3, waitingSince: minutesAgo(600) }), aging)).toBe(1);
    expect(effectivePriority(conversation('c', { priority: 1, waitingSince: minutesAgo(600) }), aging)).toBe(1);
  });

  it('keeps an emergency at emergency', () => {
    expect(effectivePriority(conversation('c', { priority: 0, waitingSince: NOW }), aging)).toBe(0);
  });

  it('treats a waiting time in the future (clock skew) as no wait', () => {
    const future = new Date(NOW.getTime() + 3600_000);
    expect(effectivePriority(conversation('c', { priority: 3, waitingSince: future }), aging)).toBe(3);
  });
});

describe('orderQueue', () => {
  it('orders emergency > violence > normal > low, then by longest wait', () => {
    const queue = [
      conversation('low', { priority: 3, waitingSince: minutesAgo(5) }),
      conversation('normal-new', { priority: 2, waitingSince: minutesAgo(1) }),
      conversation('normal-old', { priority: 2, waitingSince: minutesAgo(3) }),
      conversation('violence', { priority: 1, waitingSince: minutesAgo(1) }),
      conversation('emergency', { priority: 0, waitingSince: minutesAgo(0) }),
    ];
    expect(orderQueue(queue, options()).map((c) => c.id)).toEqual([
      'emergency',
      'violence',
      'normal-old',
      'normal-new',
      'low',
    ]);
  });

  it('lets an aged low-priority conversation pass newer normal ones, but never an emergency', () => {
    const queue = [
      conversation('normal', { priority: 2, waitingSince: minutesAgo(2) }),
      conversation('aged-low', { priority: 3, waitingSince: minutesAgo(21) }),
      conversation('emergency', { priority: 0, waitingSince: minutesAgo(0) }),
    ];
    expect(orderQueue(queue, options()).map((c) => c.id)).toEqual(['emergency', 'aged-low', 'normal']);
  });

  it('breaks ties by id so that every process computes the same order', () => {
    const since = minutesAgo(2);
    const queue = [conversation('b', { waitingSince: since }), conversation('a', { waitingSince: since })];
    expect(orderQueue(queue, options()).map((c) => c.id)).toEqual(['a', 'b']);
  });
});

describe('compareAgents (fairness)', () => {
  it('prefers the lowest load ratio, not the lowest load', () => {
    const big = agent('big', { capacity: 8, load: 3 });
    const small = agent('small', { capacity: 2, load: 1 });
    expect(compareAgents(big, small)).toBeLessThan(0);
  });

  it('at equal ratio prefers the agent idle the longest, never-assigned first', () => {
    const recent = agent('recent', { lastAssignedAt: minutesAgo(1) });
    const idle = agent('idle', { lastAssignedAt: minutesAgo(30) });
    const never = agent('never');
    expect([recent, idle, never].sort(compareAgents).map((a) => a.id)).toEqual(['never', 'idle', 'recent']);
  });
});

describe('pickAgent (eligibility)', () => {
  it('ignores agents at capacity', () => {
    expect(pickAgent(conversation('c'), [agent('full', { load: 4 })], options())).toBeNull();
  });

  it('prefers a skilled agent who speaks the language over a less loaded one who does not', () => {
    const c = conversation('c', { requiredSkill: 'violence', language: 'en' });
    const skilledFrench = agent('skilled-fr', { skills: ['violence'], languages: ['fr'] });
    const skilledEnglish = agent('skilled-en', { skills: ['violence'], languages: ['en'], load: 3 });
    expect(pickAgent(c, [skilledFrench, skilledEnglish], options())?.id).toBe('skilled-en');
  });

  it('falls back to a skilled agent without the language when language fallback is on', () => {
    const c = conversation('c', { requiredSkill: 'violence', language: 'de' });
    const skilled = agent('skilled', { skills: ['violence'], languages: ['fr'] });
    expect(pickAgent(c, [skilled], options())?.id).toBe('skilled');
    expect(pickAgent(c, [skilled], options({ languageFallback: false }))).toBeNull();
  });

  it('treats an agent with no listed language as speaking every language', () => {
    const c = conversation('c', { language: 'ar' });
    expect(pickAgent(c, [agent('polyglot', { languages: [] })], options({ languageFallback: false }))?.id).toBe('polyglot');
  });

  it('falls back to an unskilled agent at once when no skilled agent is on duty', () => {
    const c = conversation('c', { requiredSkill: 'recruitment', waitingSince: NOW });
    expect(pickAgent(c, [agent('generalist')], options())?.id).toBe('generalist');
  });

  it('waits for a skilled agent who is on duty but full, until the fallback delay has passed', () => {
    const pool = [agent('skilled-full', { skills: ['violence'], load: 4 }), agent('generalist')];
    const fresh = conversation('fresh', { requiredSkill: 'violence', waitingSince: minutesAgo(1) });
    const old = conversation('old', { requiredSkill: 'violence', waitingSince: minutesAgo(3) });
    expect(pickAgent(fresh, pool, options({ skillFallbackAfterMs: 2 * 60_000 }))).toBeNull();
    expect(pickAgent(old, pool, options({ skillFallbackAfterMs: 2 * 60_000 }))?.id).toBe('generalist');
  });

  it('never gives a skilled conversation to an unskilled agent when the skill fallback is off', () => {
    const c = conversation('c', { requiredSkill: 'violence', waitingSince: minutesAgo(600) });
    expect(pickAgent(c, [agent('generalist')], options({ skillFallback: false }))).toBeNull();
  });

  it('gives an emergency to any agent with room, skills and language notwithstanding', () => {
    const c = conversation('c', { priority: 0, requiredSkill: 'violence', language: 'de', waitingSince: NOW });
    const o = options({ skillFallback: false, languageFallback: false });
    expect(pickAgent(c, [agent('generalist')], o)?.id).toBe('generalist');
  });

  it('prefers the previous agent of a reopened conversation over a less loaded one', () => {
    const c = conversation('c', { preferredAgentId: 'previous' });
    const pool = [agent('previous', { load: 3 }), agent('fresh')];
    expect(pickAgent(c, pool, options())?.id).toBe('previous');
  });

  it('does not wait for the previous agent when that agent has no room', () => {
    const c = conversation('c', { preferredAgentId: 'previous' });
    expect(pickAgent(c, [agent('previous', { load: 4 }), agent('fresh')], options())?.id).toBe('fresh');
  });

  it('gives a conversation back to the agent it is moving away from only as a last resort', () => {
    const c = conversation('c', { avoidAgentId: 'silent' });
    expect(pickAgent(c, [agent('silent'), agent('busy', { load: 3 })], options())?.id).toBe('busy');
    expect(pickAgent(c, [agent('silent'), agent('busy', { load: 4 })], options())?.id).toBe('silent');
  });
});

describe('planAssignments', () => {
  it('spreads conversations over agents by load ratio, then longest idle', () => {
    const agents = [
      agent('a', { lastAssignedAt: minutesAgo(5) }),
      agent('b', { lastAssignedAt: minutesAgo(10) }),
      agent('c', { load: 1 }),
    ];
    const waiting = [1, 2, 3, 4].map((n) => conversation(`c${n}`, { waitingSince: minutesAgo(10 - n) }));
    expect(planAssignments(waiting, agents, options()).map((p) => p.agentId)).toEqual(['b', 'a', 'c', 'a']);
  });

  it('never exceeds a capacity and stops when every seat is taken', () => {
    const agents = [agent('a', { capacity: 2 }), agent('b', { capacity: 1, load: 1 })];
    const waiting = Array.from({ length: 10 }, (_, n) => conversation(`c${n}`, { waitingSince: minutesAgo(20 - n) }));
    const plan = planAssignments(waiting, agents, options());
    expect(plan).toHaveLength(2);
    expect(plan.every((p) => p.agentId === 'a')).toBe(true);
  });

  it('serves emergencies first when seats are short', () => {
    const waiting = [
      conversation('normal', { priority: 2, waitingSince: minutesAgo(5) }),
      conversation('emergency', { priority: 0, waitingSince: minutesAgo(0) }),
    ];
    const plan = planAssignments(waiting, [agent('a', { capacity: 1 })], options({ emergencyOverflow: 0 }));
    expect(plan).toEqual([{ conversationId: 'emergency', agentId: 'a', priority: 0, overflow: false }]);
  });

  it('overflows the least loaded full agent with an emergency when configured, and only an emergency', () => {
    const agents = [agent('a', { capacity: 2, load: 2 }), agent('b', { capacity: 4, load: 4, lastAssignedAt: NOW })];
    const waiting = [conversation('emergency', { priority: 0 }), conversation('normal', { priority: 2 })];
    const plan = planAssignments(waiting, agents, options({ emergencyOverflow: 1 }));
    expect(plan).toEqual([{ conversationId: 'emergency', agentId: 'a', priority: 0, overflow: true }]);
  });

  it('keeps an emergency waiting when overflow is off and everyone is full', () => {
    const plan = planAssignments([conversation('e', { priority: 0 })], [agent('a', { load: 4 })], options({ emergencyOverflow: 0 }));
    expect(plan).toEqual([]);
  });

  it('never overflows an agent beyond capacity plus the overflow allowance', () => {
    const waiting = [0, 1, 2].map((n) => conversation(`e${n}`, { priority: 0, waitingSince: minutesAgo(3 - n) }));
    const plan = planAssignments(waiting, [agent('a', { capacity: 1, load: 1 })], options({ emergencyOverflow: 1 }));
    expect(plan.map((p) => p.conversationId)).toEqual(['e0']);
  });

  it('skips a conversation nobody may take without blocking the ones behind it', () => {
    const waiting = [
      conversation('needs-violence', { requiredSkill: 'violence', waitingSince: minutesAgo(10) }),
      conversation('general', { waitingSince: minutesAgo(1) }),
    ];
    const plan = planAssignments(waiting, [agent('generalist')], options({ skillFallback: false }));
    expect(assignedTo(plan)).toEqual({ general: 'generalist' });
  });

  it('routes each queue to its skilled agents before anyone else', () => {
    const agents = [agent('violence', { skills: ['violence'] }), agent('offence', { skills: ['offence'] })];
    const waiting = [
      conversation('v', { requiredSkill: 'violence', queue: 'violence', waitingSince: minutesAgo(2) }),
      conversation('o', { requiredSkill: 'offence', queue: 'offence', waitingSince: minutesAgo(1) }),
    ];
    expect(assignedTo(planAssignments(waiting, agents, options()))).toEqual({ v: 'violence', o: 'offence' });
  });

  it('does not let a fresh low-priority conversation starve: after aging it is served before new normal ones', () => {
    const waiting = [
      conversation('aged-low', { priority: 3, waitingSince: minutesAgo(40) }),
      ...[1, 2, 3].map((n) => conversation(`normal${n}`, { priority: 2, waitingSince: minutesAgo(n) })),
    ];
    const plan = planAssignments(waiting, [agent('a', { capacity: 1 })], options());
    expect(plan.map((p) => p.conversationId)).toEqual(['aged-low']);
  });

  it('does not mutate the agents it was given', () => {
    const agents = [agent('a')];
    planAssignments([conversation('c')], agents, options());
    expect(agents[0]).toEqual(agent('a'));
  });

  it('assigns nothing with no agent on duty', () => {
    expect(planAssignments([conversation('c', { priority: 0 })], [], options())).toEqual([]);
  });

  it('holds the invariants on a random mix (no capacity exceeded beyond overflow, each conversation at most once)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const skills = ['general', 'violence', 'offence', 'recruitment'];
    for (let round = 0; round < 50; round++) {
      const agents = Array.from({ length: 1 + Math.floor(random() * 15) }, (_, n) =>
        agent(`a${n}`, {
          capacity: 1 + Math.floor(random() * 5),
          load: Math.floor(random() * 4),
          skills: [skills[Math.floor(random() * skills.length)]],
          languages: random() < 0.8 ? ['fr'] : ['en'],
        }),
      );
      agents.forEach((a) => (a.load = Math.min(a.load, a.capacity)));
      const waiting = Array.from({ length: Math.floor(random() * 60) }, (_, n) =>
        conversation(`c${n}`, {
          priority: Math.floor(random() * 4),
          requiredSkill: random() < 0.5 ? null : skills[1 + Math.floor(random() * 3)],
          language: random() < 0.9 ? 'fr' : 'en',
          waitingSince: minutesAgo(random() * 60),
        }),
      );
      const o = options({ emergencyOverflow: 1 });
      const plan = planAssignments(waiting, agents, o);
      expect(new Set(plan.map((p) => p.conversationId)).size).toBe(plan.length);
      for (const a of agents) {
        const added = plan.filter((p) => p.agentId === a.id);
        const normalAdded = added.filter((p) => !p.overflow).length;
        expect(a.load + normalAdded).toBeLessThanOrEqual(Math.max(a.capacity, a.load));
        expect(a.load + added.length).toBeLessThanOrEqual(a.capacity + 1);
        expect(added.filter((p) => p.overflow).every((p) => p.priority === 0)).toBe(true);
      }
      // Work-conserving: a conversation left waiting has no eligible agent with room at the end.
      const loads = new Map(agents.map((a) => [a.id, a.load + plan.filter((p) => p.agentId === a.id).length]));
      const after = agents.map((a) => ({ ...a, load: loads.get(a.id)! }));
      const assigned = new Set(plan.map((p) => p.conversationId));
      for (const left of waiting.filter((c) => !assigned.has(c.id))) {
        expect(pickAgent(left, after, o, new Set(agents.flatMap((a) => a.skills)))).toBeNull();
      }
    }
  });
});

describe('takeableByAnother (unanswered conversations)', () => {
  const unanswered = (id: string, heldBy: string, spec: Partial<WaitingConversation> = {}) => ({
    ...conversation(id, spec),
    heldBy,
  });

  it('says no when the only gendarme on duty is the one who did not answer: moving it would hand it back', () => {
    expect(takeableByAnother([unanswered('c1', 'a1', { priority: 0 })], [agent('a1', { load: 1 })], options())).toEqual(
      new Set(),
    );
  });

  it('says yes when another gendarme has room', () => {
    const agents = [agent('a1', { load: 1 }), agent('a2')];
    expect(takeableByAnother([unanswered('c1', 'a1')], agents, options())).toEqual(new Set(['c1']));
  });

  it('counts a free seat once for several unanswered conversations, most urgent first', () => {
    const agents = [agent('a1', { load: 2 }), agent('a2', { capacity: 1 })];
    const result = takeableByAnother(
      [unanswered('normal', 'a1', { priority: 2 }), unanswered('urgent', 'a1', { priority: 0 })],
      agents,
      options({ emergencyOverflow: 0 }),
    );
    expect(result).toEqual(new Set(['urgent']));
  });

  it('lets an emergency overflow another gendarme who is full, as routing would', () => {
    const agents = [agent('a1', { load: 1 }), agent('a2', { capacity: 1, load: 1 })];
    expect(takeableByAnother([unanswered('c1', 'a1', { priority: 0 })], agents, options({ emergencyOverflow: 1 }))).toEqual(
      new Set(['c1']),
    );
  });

  it('ignores a preference for the gendarme who holds it', () => {
    const agents = [agent('a1', { load: 1 })];
    expect(takeableByAnother([unanswered('c1', 'a1', { preferredAgentId: 'a1' })], agents, options())).toEqual(new Set());
  });
});
