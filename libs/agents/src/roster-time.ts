/**
 * Shifts are planned in local time (a brigade works "22:00 to 06:00, Paris time") but stored as instants, so that
 * "who is on duty now" is one comparison whatever the daylight-saving calendar says.
 */

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Offset of the zone from UTC at an instant, in minutes (Paris: +60 in winter, +120 in summer). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const field = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a local wall-clock time. A time skipped by the spring change (02:30 on the last Sunday of March)
 * is moved forward by the gap (03:30); a time repeated by the autumn change (02:30 on the last Sunday of October)
 * is its first occurrence (summer time).
 */
export function localToInstant(date: string, time: string, timeZone: string): Date {
  const d = LOCAL_DATE.exec(date);
  const t = LOCAL_TIME.exec(time);
  if (!d || !t) throw new RangeError(`Expected YYYY-MM-DD and HH:mm, got "${date}" "${time}"`);
  const wallAsUtc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (new Date(wallAsUtc).toISOString().slice(0, 10) !== date) throw new RangeError(`No such date: ${date}`);
  // The two offsets around the wall time: the larger one gives the first occurrence of a repeated hour.
  const before = zoneOffsetMinutes(new Date(wallAsUtc - 12 * 3600_000), timeZone);
  const after = zoneOffsetMinutes(new Date(wallAsUtc + 12 * 3600_000), timeZone);
  for (const offset of [Math.max(before, after), Math.min(before, after)]) {
    const candidate = new Date(wallAsUtc - offset * 60_000);
    if (zoneOffsetMinutes(candidate, timeZone) === offset) return candidate;
  }
  // Inside the spring gap: no offset matches; the wall time read with the earlier offset lands after the gap.
  return new Date(wallAsUtc - before * 60_000);
}

export interface LocalShift {
  /** Local date the shift starts on, YYYY-MM-DD. */
  date: string;
  /** Local start and end, HH:mm; an end at or before the start is on the next day (a night shift). */
  start: string;
  end: string;
}

/** The instants of a shift given in local time, across midnight and daylight-saving changes. */
export function shiftInstants(shift: LocalShift, timeZone: string): { startsAt: Date; endsAt: Date } {
  const startsAt = localToInstant(shift.date, shift.start, timeZone);
  const endDate = shift.end <= shift.start ? nextDate(shift.date) : shift.date;
  const endsAt = localToInstant(endDate, shift.end, timeZone);
  return { startsAt, endsAt };
}

function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}
