import type { ReportView } from './reporting-views';

const HEADER = [
  'channel',
  'queue',
  'conversations',
  'answered',
  'abandoned',
  'closed',
  'avg_first_response_s',
  'avg_handling_s',
];

/** One CSV cell: quoted when needed, and defused when a spreadsheet would read it as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV (RFC 4180, CRLF), one line per channel and queue then a total line. */
export function reportToCsv(report: ReportView): string {
  const lines = [HEADER.join(',')];
  const round = (value: number | null) => (value === null ? null : Math.round(value));
  for (const row of report.rows) {
    lines.push(
      [
        row.channel,
        row.queue,
        row.conversations,
        row.answered,
        row.abandoned,
        row.closed,
        round(row.avgFirstResponseSeconds),
        round(row.avgHandlingSeconds),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  const t = report.totals;
  lines.push(
    ['total', '', t.conversations, t.answered, t.abandoned, t.closed, round(t.avgFirstResponseSeconds), round(t.avgHandlingSeconds)]
      .map(csvCell)
      .join(','),
  );
  return lines.join('\r\n') + '\r\n';
}
