import { localToInstant, shiftInstants, zoneOffsetMinutes } from './roster-time';

const PARIS = 'Europe/Paris';

describe('roster times in Europe/Paris', () => {
  it('reads winter and summer local times with their offsets', () => {
    expect(localToInstant('2026-01-15', '08:00', PARIS).toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(localToInstant('2026-07-15', '08:00', PARIS).toISOString()).toBe('2026-07-15T06:00:00.000Z');
  });

  it('places a night shift across midnight on the next day', () => {
    const { startsAt, endsAt } = shiftInstants({ date: '2026-01-15', start: '22:00', end: '06:00' }, PARIS);
    expect(startsAt.toISOString()).toBe('2026-01-15T21:00:00.000Z');
    expect(endsAt.toISOString()).toBe('2026-01-16T05:00:00.000Z');
    expect(endsAt.getTime() - startsAt.getTime()).toBe(8 * 3600_000);
  });

  it('makes the spring-forward night one hour shorter', () => {
    // 29 March 2026: at 02:00 Paris clocks jump to 03:00.
    const { startsAt, endsAt } = shiftInstants({ date: '2026-03-28', start: '22:00', end: '06:00' }, PARIS);
    expect(startsAt.toISOString()).toBe('2026-03-28T21:00:00.000Z');
    expect(endsAt.toISOString()).toBe('2026-03-29T04:00:00.000Z');
    expect(endsAt.getTime() - startsAt.getTime()).toBe(7 * 3600_000);
  });

  it('makes the autumn-back night one hour longer', () => {
    // 25 October 2026: at 03:00 Paris clocks go back to 02:00.
    const { startsAt, endsAt } = shiftInstants({ date: '2026-10-24', start: '22:00', end: '06:00' }, PARIS);
    expect(endsAt.getTime() - startsAt.getTime()).toBe(9 * 3600_000);
  });

  it('moves a time skipped by the spring change forward, and takes the first of a repeated time', () => {
    expect(localToInstant('2026-03-29', '02:30', PARIS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zoneOffsetMinutes(localToInstant('2026-03-29', '02:30', PARIS), 'Europe/Paris')).toBe(120);
    expect(localToInstant('2026-10-25', '02:30', PARIS).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('gives a 24-hour shift at the same local time on the next day', () => {
    const { startsAt, endsAt } = shiftInstants({ date: '2026-03-28', start: '07:00', end: '07:00' }, PARIS);
    expect(endsAt.getTime() - startsAt.getTime()).toBe(23 * 3600_000);
  });

  it('refuses malformed or impossible dates and times', () => {
    expect(() => localToInstant('2026-02-30', '08:00', PARIS)).toThrow(RangeError);
    expect(() => localToInstant('2026-01-15', '24:00', PARIS)).toThrow(RangeError);
    expect(() => localToInstant('15/01/2026', '08:00', PARIS)).toThrow(RangeError);
  });

  it('reads the same local time in another zone of the deployment (Nouméa, no daylight saving)', () => {
    expect(localToInstant('2026-07-15', '08:00', 'Pacific/Noumea').toISOString()).toBe('2026-07-14T21:00:00.000Z');
    const { startsAt, endsAt } = shiftInstants({ date: '2026-01-15', start: '22:00', end: '06:00' }, 'Pacific/Noumea');
    expect([startsAt.toISOString(), endsAt.toISOString()]).toEqual(['2026-01-15T11:00:00.000Z', '2026-01-15T19:00:00.000Z']);
  });
});
