// Surge mode in the supervisor console: the watch's proposal (why, what it changes, which reserve agents to call),
// apply and undo in one click, and whether the deployment applies it automatically. Kept live by `surge:status`,
// fetched over REST on every (re)connection.
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import type { SurgeView } from '../contract';
import { clockTime, duration } from '../format';
import { fill, useLanguage, useT } from '../i18n';
import { useInterface } from '../interface-settings';
import { useQueueNames } from '../queue-names';
import type { DeskSocket } from '../socket';

function useSurge(socket: DeskSocket) {
  const [view, setView] = useState<SurgeView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.get<SurgeView>('/api/supervisor/surge').then(
      (next) => {
        setView(next);
        setError(null);
      },
      (caught: Error) => setError(caught.message),
    );
  }, []);
  useEffect(() => {
    socket.on('connect', reload);
    socket.on('resync', reload);
    socket.on('surge:status', setView);
    reload();
    return () => {
      socket.off('connect', reload);
      socket.off('resync', reload);
      socket.off('surge:status', setView);
    };
  }, [socket, reload]);
  return { view, setView, error, setError };
}

export function SurgePanel({ socket }: { socket: DeskSocket }) {
  const t = useT();
  const language = useLanguage();
  const names = useQueueNames();
  const { rosterTimeZone } = useInterface();
  const { view, setView, error, setError } = useSurge(socket);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  // The suggested reinforcements are ticked until the supervisor changes the choice.
  const available = (view?.reserve ?? []).filter((agent) => !agent.onDuty);
  const suggested = new Set(available.slice(0, view?.proposal?.reinforcements ?? 0).map((agent) => agent.agentId));
  const ticked = chosen ?? suggested;

  async function act(path: 'apply' | 'undo') {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const body = path === 'apply' ? { reinforcements: [...ticked] } : {};
      setView(await api.post<SurgeView>(`/api/supervisor/surge/${path}`, body));
      setChosen(null);
      setDone(path === 'apply' ? t.surgeApplied : t.surgeUndone);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  if (!view) return error ? <p role="alert" className="error">{error}</p> : null;
  const triggers = view.applied?.triggers ?? view.proposal?.triggers ?? [];
  const state = view.active ? 'active' : view.proposal ? 'proposed' : 'off';
  return (
    <section aria-labelledby="surge-title" className={`surge surge-${state}`} data-testid="surge-panel" data-state={state}>
      <h2 id="surge-title">
        {t.surgeTitle}
        {t.colon}
        <span data-testid="surge-state">{view.active ? t.surgeActive : view.proposal ? t.surgeProposed : t.surgeOff}</span>
      </h2>
      <p className="help" data-testid="surge-auto">
        {view.autoApply ? t.surgeAuto : t.surgeManual}
      </p>
      {view.applied && (
        <p>
          {fill(t.surgeAppliedBy, { time: clockTime(view.applied.at, language, rosterTimeZone), name: view.applied.byName })}
        </p>
      )}
      {triggers.length > 0 && (
        <div>
          <h3>{t.surgeWhy}</h3>
          <ul data-testid="surge-triggers">
            {triggers.map((trigger) => (
              <li key={`${trigger.queue}-${trigger.measure}`}>
                <strong>{names(trigger.queue)}</strong>
                {t.colon}
                {fill(t.surgeMeasure[trigger.measure], {
                  s: duration(trigger.seconds),
                  t: duration(trigger.thresholdSeconds),
                  n: String(trigger.waiting),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {view.calm && (
        <p className="surge-calm" data-testid="surge-calm">
          {t.surgeCalm}
        </p>
      )}
      {!view.active && view.proposal && (
        <>
          <h3>{t.surgeSettings}</h3>
          <ul>
            <li>{t.surgeSettingFaq}</li>
            <li>{t.surgeSettingWait}</li>
            <li>{fill(t.surgeSettingReserve, { h: String(view.reinforcementHours) })}</li>
            <li>{t.surgeSettingOffer}</li>
          </ul>
          <fieldset>
            <legend>
              {t.surgeReserve} ({fill(t.surgeSuggested, { n: String(view.proposal.reinforcements) })})
            </legend>
            {view.reserve.length === 0 && <p className="help">{t.surgeNoReserve}</p>}
            {view.reserve.map((agent) => (
              <label key={agent.agentId} className="surge-reserve">
                <input
                  type="checkbox"
                  disabled={agent.onDuty}
                  checked={ticked.has(agent.agentId)}
                  onChange={(event) => {
                    const next = new Set(ticked);
                    if (event.target.checked) next.add(agent.agentId);
                    else next.delete(agent.agentId);
                    setChosen(next);
                  }}
                />{' '}
                {agent.displayName}
                {agent.onDuty ? ` (${t.surgeAlreadyOnDuty})` : !agent.hasEmail ? ` (${t.surgeNoEmail})` : ''}
              </label>
            ))}
          </fieldset>
        </>
      )}
      {view.applied && view.applied.reinforcements.length > 0 && (
        <p data-testid="surge-reinforcements">
          {t.surgeReinforcements}{' '}
          {view.applied.reinforcements
            .map((r) => `${r.displayName} (${fill(t.surgeUntil, { time: clockTime(r.until, language, rosterTimeZone) })})`)
            .join(', ')}
        </p>
      )}
      <div className="surge-actions">
        {!view.active && view.proposal && (
          <button type="button" className="danger" disabled={busy} onClick={() => void act('apply')}>
            {t.surgeApply}
          </button>
        )}
        {view.active && (
          <button type="button" disabled={busy} onClick={() => void act('undo')}>
            {t.surgeUndo}
          </button>
        )}
      </div>
      <p aria-live="polite" className="help" data-testid="surge-done">
        {done}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
