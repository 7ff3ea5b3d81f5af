import { createContext, useContext } from 'react';

/**
 * The deployment's time zone (ROSTER_TIME_ZONE), as the server gives it in /api/me: the roster, "today" and report
 * days are the brigade's local days wherever the browser is. Provided once the signed-in agent is known.
 */
export const TimeZoneContext = createContext<string>(Intl.DateTimeFormat().resolvedOptions().timeZone);

export const useTimeZone = (): string => useContext(TimeZoneContext);

/** Wall-clock date and time of an instant in the zone (YYYY-MM-DD, HH:mm), as the roster is written. */
export function zonedLocal(timeZone: string, instant = new Date()): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return { date: `${field('year')}-${field('month')}-${field('day')}`, time: `${field('hour')}:${field('minute')}` };
}

/** A calendar date moved by whole days (no zone involved: dates only). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
