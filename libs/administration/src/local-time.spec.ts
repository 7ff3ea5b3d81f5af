import { addDays, daysBetween, instantToLocal, isLocalDate, isoWeekday, mondayOf } from './local-time';

describe('roster local time', () => {
  it('reads an instant as Paris wall-clock time in winter and in summer', () => {
    expect(instantToLocal(new Date('2026-01-15T21:30:00Z'), 'Europe/Paris')).toEqual({ date: '2026-01-15', time: '22:30' });
    expect(instantToLocal(new Date('2026-07-15T22:30:00Z'), 'Europe/Paris')).toEqual({ date: '2026-07-16', time: '00:30' });
  });

  it('finds the Monday of a week, weekdays and day counts across months and years', () => {
    expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // a Sunday
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    expect(isoWeekday('2026-11-28')).toBe(6);
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
    expect(daysBetween('2026-10-19', '2026-10-26')).toBe(7); // across the autumn clock change
  });

  it('accepts only real calendar dates', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('26-01-01')).toBe(false);
  });
});
