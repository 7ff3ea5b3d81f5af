import { loadConfig } from '@brigade/config';
import { WebchatSessions } from './webchat-sessions';

describe('WebchatSessions', () => {
  const sessions = new WebchatSessions(loadConfig({}));

  it('resumes the visitor of a token it issued', () => {
    const session = sessions.issue();
    expect(sessions.verify(session.token)).toBe(session.visitorId);
  });

  it('refuses a token whose visitor id was changed', () => {
    const session = sessions.issue();
    const other = sessions.issue();
    const forged = session.token.replace(session.visitorId, other.visitorId);
    expect(sessions.verify(forged)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const foreign = new WebchatSessions(loadConfig({ WEBCHAT_TOKEN_SECRET: 'x'.repeat(40) })).issue();
    expect(sessions.verify(foreign.token)).toBeNull();
  });

  it('refuses an expired token', () => {
    const shortLived = new WebchatSessions(loadConfig({ WEBCHAT_TOKEN_TTL_DAYS: '1' }));
    const session = shortLived.issue();
    const realNow = Date.now;
    Date.now = () => realNow() + 2 * 86_400_000;
    try {
      expect(shortLived.verify(session.token)).toBeNull();
    } finally {
      Date.now = realNow;
    }
  });

  it.each([undefined, null, 42, '', 'a.b', 'x'.repeat(300), '../../etc.1.x'])('refuses malformed input %p', (token) => {
    expect(sessions.verify(token)).toBeNull();
  });
});
