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
