// Per-queue charts of the last 24 hours: arrivals, waits before being taken (median and 90th percentile) and service
// level, slot by slot in the interface's zone, each with its table for screen readers.
import { useState } from 'react';
import type { HistoryView } from '../contract';
import { duration, localeOf } from '../format';
import { fill, useLanguage } from '../i18n';
import { useInterface } from '../interface-settings';
import { useQueueNames } from '../queue-names';
import type { DeskSocket } from '../socket';
import { TimeChart } from './charts';
import { useHistoryT } from './history-i18n';
import { useQueueHistory } from './history-data';
import './wallboard.css';

const ALL_QUEUES = '*';

/** "14 h" under the axis; "25/10 14:00" in the table (the server gives each slot's wall-clock start in the zone). */
function slotNames(view: HistoryView, language: string) {
  return view.queues[0]?.buckets.map((bucket) => {
    const [date, time] = bucket.local.split('T');
    const [, month, day] = date.split('-');
    return {
      short: view.bucketMinutes === 60 || time.endsWith(':00') ? `${time.slice(0, 2)}${language === 'en' ? ':00' : ' h'}` : time,
      full: `${day}/${month} ${time}`,
    };
  }) ?? [];
}

export function QueueHistoryCharts({ socket }: { socket: DeskSocket }) {
  const h = useHistoryT();
  const language = useLanguage();
  const names = useQueueNames();
  const { rosterTimeZone } = useInterface();
  const [bucketMinutes, setBucketMinutes] = useState<15 | 60>(60);
  const { data, error } = useQueueHistory(socket, bucketMinutes);
  const [queue, setQueue] = useState(ALL_QUEUES);
  const shown = data?.queues.find((candidate) => candidate.queue === queue) ?? data?.queues[0];
  const slots = data ? slotNames(data, language) : [];
  const percent = (value: number) => `${Math.round(value * 100)}${language === 'fr' ? '\u202f' : ''}%`;
  const count = (value: number) => Math.round(value).toLocaleString(localeOf(language));
  const wait = (value: number) => duration(value);
  const waitAxis = (value: number) =>
    value < 60 ? `${Math.round(value)} s` : value < 3600 ? `${Math.round(value / 60)} min` : `${Math.round((value / 3600) * 10) / 10} h`;
  const peak = (values: (number | null)[], format: (value: number) => string) => {
    let best = -1;
    values.forEach((value, index) => {
      if (value !== null && (best < 0 || value > (values[best] ?? 0))) best = index;
    });
    return best < 0 ? { max: '–', time: '–' } : { max: format(values[best] as number), time: slots[best]?.full ?? '' };
  };
  const queueLabel = (key: string) => (key === ALL_QUEUES ? h.allQueues : names(key));
  return (
    <section aria-labelledby="history-title" className="queue-history" data-testid="queue-history">
      <h2 id="history-title">{h.history}</h2>
      <p className="help">{fill(h.historyHelp, { zone: rosterTimeZone })}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="history-controls">
        <label htmlFor="history-queue">{h.chartQueue}</label>
        <select id="history-queue" value={queue} onChange={(event) => setQueue(event.target.value)} data-testid="history-queue">
          {(data?.queues ?? []).map((candidate) => (
            <option key={candidate.queue} value={candidate.queue}>
              {queueLabel(candidate.queue)}
            </option>
          ))}
        </select>
        <label htmlFor="history-slots">{h.slotMinutes}</label>
        <select
          id="history-slots"
          value={bucketMinutes}
          onChange={(event) => setBucketMinutes(Number(event.target.value) === 15 ? 15 : 60)}
        >
          <option value={60}>{h.perHour}</option>
          <option value={15}>{h.perQuarter}</option>
        </select>
      </div>
      {shown && (
        <div className="history-charts">
          {(() => {
            const arrivals = shown.buckets.map((bucket) => bucket.arrivals);
            const top = peak(arrivals, count);
            const title = `${h.arrivalsChart} – ${queueLabel(shown.queue)}`;
            return (
              <TimeChart
                testId="arrivals-chart"
                title={title}
                slotHeader={h.slot}
                slotLabels={slots.map((one) => one.short)}
                slotNames={slots.map((one) => one.full)}
                series={[{ label: h.arrivals, kind: 'bar', className: 'series-a', values: arrivals }]}
                format={count}
                summary={fill(h.chartSummary, { title, total: count(arrivals.reduce((sum, value) => sum + value, 0)), ...top })}
                tableCaption={fill(h.tableOf, { title })}
              />
            );
          })()}
          {(() => {
            const median = shown.buckets.map((bucket) => bucket.medianWaitSeconds);
            const p90 = shown.buckets.map((bucket) => bucket.p90WaitSeconds);
            const top = peak(p90, wait);
            const title = `${h.waitsChart} – ${queueLabel(shown.queue)}`;
            return (
              <TimeChart
                testId="waits-chart"
                title={title}
                slotHeader={h.slot}
                slotLabels={slots.map((one) => one.short)}
                slotNames={slots.map((one) => one.full)}
                series={[
                  { label: h.median, kind: 'line', className: 'series-a', values: median },
                  { label: h.p90, kind: 'line', className: 'series-c', values: p90 },
                ]}
                format={wait}
                axisFormat={waitAxis}
                scale="seconds"
                summary={fill(h.chartSummary, {
                  title,
                  total: `${shown.buckets.reduce((sum, bucket) => sum + bucket.taken, 0)} ${h.taken.toLowerCase()}`,
                  ...top,
                })}
                tableCaption={fill(h.tableOf, { title })}
              />
            );
          })()}
          {(() => {
            const level = shown.buckets.map((bucket) => bucket.serviceLevel);
            const title = `${h.serviceLevelChart} – ${queueLabel(shown.queue)}`;
            const today = shown.today.serviceLevel;
            return (
              <TimeChart
                testId="service-level-chart"
                title={title}
                slotHeader={h.slot}
                slotLabels={slots.map((one) => one.short)}
                slotNames={slots.map((one) => one.full)}
                series={[{ label: h.serviceLevel, kind: 'line', className: 'series-b', values: level }]}
                format={percent}
                fixedMax={1}
                summary={`${title}${language === 'fr' ? ' : ' : ': '}${h.serviceLevelToday} ${today === null ? '–' : percent(today)}.`}
                tableCaption={fill(h.tableOf, { title })}
              />
            );
          })()}
        </div>
      )}
    </section>
  );
}
