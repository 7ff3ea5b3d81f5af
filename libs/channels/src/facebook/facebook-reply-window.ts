const HOUR_MS = 3_600_000;
export const FACEBOOK_STANDARD_WINDOW_HOURS = 24;
export const FACEBOOK_HUMAN_AGENT_WINDOW_HOURS = 7 * 24;

export type FacebookReplyMode =
  | { allowed: true; messagingType: 'RESPONSE' }
  | { allowed: true; messagingType: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' }
  | { allowed: false; reason: string };

/**
 * Messenger's policy: a page answers freely within 24 h of the citizen's last message; from 24 h to 7 days only a
 * human agent may answer, with the HUMAN_AGENT tag; after 7 days nothing can be sent.
 */
export function facebookReplyMode(lastCitizenMessageAt: Date | null, now: Date): FacebookReplyMode {
  if (!lastCitizenMessageAt) {
    return { allowed: false, reason: 'Facebook only allows answers to a citizen who has written to the page' };
  }
  const elapsed = now.getTime() - lastCitizenMessageAt.getTime();
  if (elapsed <= FACEBOOK_STANDARD_WINDOW_HOURS * HOUR_MS) return { allowed: true, messagingType: 'RESPONSE' };
  if (elapsed <= FACEBOOK_HUMAN_AGENT_WINDOW_HOURS * HOUR_MS) {
    return { allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  }
  return {
    allowed: false,
    reason:
      'Outside the Facebook 7-day window: the citizen last wrote more than 7 days ago, so Messenger refuses any answer ' +
      'until they write again; invite them to the web chat by another means',
  };
}
