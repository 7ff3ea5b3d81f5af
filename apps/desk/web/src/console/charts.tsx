// Two small SVG charts; no chart library: bars with their values written out for screen readers and tables below.

export function HourlyChart({
  hours,
  labels,
}: {
  hours: { hour: string; arrivals: number; assignments: number }[];
  labels: { title: string; arrivals: string; assignments: string };
}) {
  const max = Math.max(1, ...hours.flatMap((h) => [h.arrivals, h.assignments]));
  const width = 480;
  const height = 160;
  const slot = width / Math.max(1, hours.length);
  const bar = (value: number) => (value / max) * (height - 30);
  return (
    <figure className="chart">
      <figcaption>{labels.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={labels.title} data-testid="hourly-chart">
        {hours.map((h, index) => {
          const x = index * slot;
          const label = new Date(h.hour).getHours().toString().padStart(2, '0');
          return (
            <g key={h.hour}>
              <title>{`${label} h : ${labels.arrivals} ${h.arrivals}, ${labels.assignments} ${h.assignments}`}</title>
              <rect x={x + 4} y={height - 18 - bar(h.arrivals)} width={slot / 2 - 5} height={bar(h.arrivals)} className="bar-a" />
              <rect
                x={x + slot / 2}
                y={height - 18 - bar(h.assignments)}
                width={slot / 2 - 5}
                height={bar(h.assignments)}
                className="bar-b"
              />
              <text x={x + slot / 2} y={height - 4} textAnchor="middle" className="axis">
                {label}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="legend">
        <span className="swatch bar-a" /> {labels.arrivals} <span className="swatch bar-b" /> {labels.assignments}
      </p>
    </figure>
  );
}

export function DistributionChart({
  buckets,
  title,
}: {
  buckets: { label: string; count: number }[];
  title: string;
}) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const width = 480;
  const row = 26;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${row * buckets.length}`} role="img" aria-label={title} data-testid="wait-chart">
        {buckets.map((bucket, index) => (
          <g key={bucket.label}>
            <text x={0} y={index * row + 17} className="axis">
              {bucket.label}
            </text>
            <rect x={90} y={index * row + 4} width={((width - 140) * bucket.count) / max} height={row - 8} className="bar-a" />
            <text x={95 + ((width - 140) * bucket.count) / max} y={index * row + 17} className="value">
              {bucket.count}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** One series of a time chart: bars (counts) or a line (waits, rates); null where there is no value (a gap). */
export interface TimeSeries {
  label: string;
  kind: 'bar' | 'line';
  /** A CSS class of wallboard.css giving the series its colour (series-a, series-b, series-c). */
  className: string;
  values: (number | null)[];
}

/**
 * A chart over time slots in plain SVG: bars and lines on a shared scale, the value axis on the left, a slot label
 * every few slots. The SVG is an image with a one-sentence summary; the same figures follow in a table that screen
 * readers reach (and sighted users do not need to see).
 */
export function TimeChart({
  title,
  slotLabels,
  slotNames,
  series,
  format,
  axisFormat = format,
  scale = 'count',
  fixedMax,
  summary,
  tableCaption,
  slotHeader,
  testId,
}: {
  title: string;
  slotHeader: string;
  /** Short labels under the axis ("14 h"); slotNames name the slot in full for the table ("25/10 14:00"). */
  slotLabels: string[];
  slotNames: string[];
  series: TimeSeries[];
  format: (value: number) => string;
  /** A shorter form for the value axis ("5 min" rather than "5 min 00 s"). */
  axisFormat?: (value: number) => string;
  /** Counts get round tops (2, 4, 6, 8, 10…); seconds get round durations (1, 2, 5, 10, 20, 30 min…). */
  scale?: 'count' | 'seconds';
  fixedMax?: number;
  summary: string;
  tableCaption: string;
  testId: string;
}) {
  const width = 720;
  const height = 210;
  const left = 78;
  const bottom = 26;
  const top = 10;
  const plotWidth = width - left - 8;
  const plotHeight = height - bottom - top;
  const values = series.flatMap((one) => one.values.filter((value): value is number => value !== null));
  const highest = Math.max(0, ...values);
  const max = fixedMax ?? (scale === 'seconds' ? niceDuration(highest) : niceMax(highest));
  const slots = Math.max(1, slotLabels.length);
  const slot = plotWidth / slots;
  const y = (value: number) => top + plotHeight - (Math.min(value, max) / max) * plotHeight;
  const bars = series.filter((one) => one.kind === 'bar');
  const every = Math.max(1, Math.ceil(slots / 8));
  return (
    <figure className="time-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="none">
        {[0, 0.5, 1].map((share) => (
          <g key={share} aria-hidden="true">
            <line x1={left} x2={width - 8} y1={y(max * share)} y2={y(max * share)} className="grid-line" />
            <text x={left - 6} y={y(max * share) + 4} textAnchor="end" className="axis">
              {axisFormat(max * share)}
            </text>
          </g>
        ))}
        {bars.map((one, barIndex) =>
          one.values.map((value, index) =>
            value === null || value === 0 ? null : (
              <rect
                key={`${one.label}-${index}`}
                x={left + index * slot + 2 + (barIndex * (slot - 4)) / bars.length}
                y={y(value)}
                width={Math.max(1, (slot - 4) / bars.length - 1)}
                height={top + plotHeight - y(value)}
                className={one.className}
              >
                <title>{`${slotNames[index]} – ${one.label} : ${format(value)}`}</title>
              </rect>
            ),
          ),
        )}
        {series
          .filter((one) => one.kind === 'line')
          .map((one) => (
            <g key={one.label} className={one.className}>
              {segments(one.values).map((run) => (
                <polyline
                  key={run[0]}
                  fill="none"
                  points={run.map((index) => `${left + (index + 0.5) * slot},${y(one.values[index] ?? 0)}`).join(' ')}
                />
              ))}
              {one.values.map((value, index) =>
                value === null ? null : (
                  <circle key={index} cx={left + (index + 0.5) * slot} cy={y(value)} r={3}>
                    <title>{`${slotNames[index]} – ${one.label} : ${format(value)}`}</title>
                  </circle>
                ),
              )}
            </g>
          ))}
        {slotLabels.map((label, index) =>
          index % every === 0 ? (
            <text key={index} x={left + index * slot + slot / 2} y={height - 8} textAnchor="middle" className="axis" aria-hidden="true">
              {label}
            </text>
          ) : null,
        )}
      </svg>
      <p className="legend" aria-hidden="true">
        {series.map((one) => (
          <span key={one.label}>
            <span className={`swatch ${one.className}`} /> {one.label}
          </span>
        ))}
      </p>
      <table className="sr-only">
        <caption>{tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{slotHeader}</th>
            {series.map((one) => (
              <th scope="col" key={one.label}>
                {one.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {slotNames.map((name, index) => (
            <tr key={index}>
              <th scope="row">{name}</th>
              {series.map((one) => (
                <td key={one.label}>{one.values[index] === null ? '–' : format(one.values[index] as number)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/**
 * A round top for the value axis whose half is round too (the middle grid line): 2, 4, 6, 8 or 10 times a power of
 * ten, at least 2. Waits in seconds get the same rule (600 s: the middle line at 5 min).
 */
function niceMax(value: number): number {
  if (value <= 2) return 2;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 4, 6, 8, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power;
}

/** Round durations whose half is round too, in seconds: 1, 2, 4, 10, 20, 30, 60 minutes, then hours. */
const DURATION_TOPS = [60, 120, 240, 600, 1200, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];

function niceDuration(seconds: number): number {
  return DURATION_TOPS.find((candidate) => candidate >= seconds) ?? Math.ceil(seconds / 604_800) * 604_800;
}

/** Indexes of consecutive non-null values, run by run. */
function segments(values: (number | null)[]): number[][] {
  const runs: number[][] = [];
  values.forEach((value, index) => {
    if (value === null) return;
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === index - 1) last.push(index);
    else runs.push([index]);
  });
  return runs;
}
