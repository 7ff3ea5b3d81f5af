// The report (signalement) to the territorial unit, beside the conversation: the form with the commune lookup, then
// the reports already sent with the state of each delivery and their PDF.
import { useEffect, useId, useState } from 'react';
import * as api from '../api';
import type { DeskMessageView } from '../contract';
import { newClientMessageId } from '../format';
import { useLanguage } from '../i18n';

interface Commune {
  code: string;
  name: string;
  department: string;
  postcodes: string[];
}
interface UnitChoice {
  commune: Commune;
  unit: { id: string; code: string; name: string; phone: string } | null;
  matchedBy: 'commune' | 'postcode' | 'department' | 'fallback' | null;
}
interface Draft {
  natures: { key: string; label: string }[];
  urgencies: string[];
  units: { id: string; code: string; name: string }[];
  prefill: { citizenName: string | null; email: string | null; language: string; channel: string };
}
interface Delivery {
  id: string;
  target: 'email' | 'webhook';
  address: string;
  status: 'queued' | 'retrying' | 'sent' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
}
interface Report {
  id: string;
  status: 'sending' | 'delivered' | 'failed';
  unit: { name: string; phone: string };
  routing: 'coverage' | 'fallback' | 'override';
  natureLabel: string;
  communeName: string;
  createdAt: string;
  citizenToldAt: string | null;
  deliveries: Delivery[];
}
interface Person {
  role: string;
  name: string;
  details: string;
}

const TEXT = {
  fr: {
    title: 'Signalement à l’unité territoriale',
    nature: 'Nature',
    factsAt: 'Date et heure des faits',
    commune: 'Commune des faits',
    communeHint: 'Nom (accents facultatifs), code postal ou code INSEE',
    place: 'Lieu précis',
    persons: 'Personnes concernées',
    role: 'Qualité',
    roles: ['victime', 'mis en cause', 'témoin', 'autre'],
    name: 'Nom',
    details: 'Précisions',
    addPerson: 'Ajouter une personne',
    summary: 'Résumé des faits',
    urgency: 'Urgence',
    urgencies: { normale: 'Normale', prioritaire: 'Prioritaire', immediate: 'Immédiate' } as Record<string, string>,
    consent: 'La victime accepte d’être recontactée',
    phone: 'Téléphone',
    email: 'E-mail',
    preference: 'Comment et quand la recontacter',
    messages: 'Messages à joindre',
    routedTo: 'Unité compétente',
    fallback: '(unité par défaut : aucune unité ne couvre la commune)',
    noUnit: 'Aucune unité ne couvre cette commune : choisissez une unité et indiquez le motif.',
    otherUnit: 'Transmettre à une autre unité',
    sameUnit: 'Unité de la commune',
    overrideReason: 'Motif du choix de l’unité',
    submit: 'Transmettre le signalement',
    sent: 'Signalements transmis',
    status: { sending: 'en cours d’envoi', delivered: 'remis', failed: 'en échec' } as Record<string, string>,
    delivery: { queued: 'en attente', retrying: 'nouvel essai prévu', sent: 'envoyé', delivered: 'remis', failed: 'échec' } as Record<string, string>,
    target: { email: 'E-mail', webhook: 'Webhook' } as Record<string, string>,
    citizenTold: 'Personne informée de l’unité qui la suivra',
    pdf: 'PDF',
    attempts: 'essai(s)',
  },
  en: {
    title: 'Report to the local unit',
    nature: 'Nature',
    factsAt: 'Date and time of the facts',
    commune: 'Commune of the facts',
    communeHint: 'Name (accents optional), postcode or INSEE code',
    place: 'Exact place',
    persons: 'Persons involved',
    role: 'Role',
    roles: ['victime', 'mis en cause', 'témoin', 'autre'],
    name: 'Name',
    details: 'Details',
    addPerson: 'Add a person',
    summary: 'Summary of the facts',
    urgency: 'Urgency',
    urgencies: { normale: 'Normal', prioritaire: 'Priority', immediate: 'Immediate' } as Record<string, string>,
    consent: 'The victim agrees to be contacted',
    phone: 'Phone',
    email: 'E-mail',
    preference: 'How and when to contact them',
    messages: 'Messages to join',
    routedTo: 'Competent unit',
    fallback: '(default unit: no unit covers the commune)',
    noUnit: 'No unit covers this commune: choose a unit and give the reason.',
    otherUnit: 'Send to another unit',
    sameUnit: 'Unit of the commune',
    overrideReason: 'Reason for choosing the unit',
    submit: 'Send the report',
    sent: 'Reports sent',
    status: { sending: 'sending', delivered: 'delivered', failed: 'failed' } as Record<string, string>,
    delivery: { queued: 'waiting', retrying: 'retry planned', sent: 'sent', delivered: 'delivered', failed: 'failed' } as Record<string, string>,
    target: { email: 'E-mail', webhook: 'Webhook' } as Record<string, string>,
    citizenTold: 'Citizen told which unit follows up',
    pdf: 'PDF',
    attempts: 'attempt(s)',
  },
};

async function downloadPdf(reportId: string): Promise<void> {
  const response = await fetch(`/api/reports/${reportId}/pdf`, { headers: { authorization: `Bearer ${api.accessToken() ?? ''}` } });
  if (!response.ok) throw new Error(response.statusText);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `signalement-${reportId.slice(0, 8)}.pdf`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportPanel({ conversationId, messages }: { conversationId: string; messages: DeskMessageView[] }) {
  const language = useLanguage();
  const t = TEXT[language] ?? TEXT.fr;
  const id = useId();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [reports, setReports] = useState<Report[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [nature, setNature] = useState('');
  const [factsAt, setFactsAt] = useState('');
  const [query, setQuery] = useState('');
  const [communes, setCommunes] = useState<Commune[]>([]);
  const [choice, setChoice] = useState<UnitChoice | null>(null);
  const [place, setPlace] = useState('');
  const [persons, setPersons] = useState<Person[]>([]);
  const [summary, setSummary] = useState('');
  const [urgency, setUrgency] = useState('normale');
  const [consent, setConsent] = useState(false);
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [preference, setPreference] = useState('');
  const [joined, setJoined] = useState<string[]>([]);
  const [override, setOverride] = useState('');
  const [reason, setReason] = useState('');
  const [clientReportId, setClientReportId] = useState(newClientMessageId);

  useEffect(() => {
    api
      .get<Draft>(`/api/conversations/${conversationId}/report-draft`)
      .then((loaded) => {
        setDraft(loaded);
        setNature((current) => current || loaded.natures[0]?.key || '');
        setPersons((current) => (current.length > 0 ? current : [{ role: 'victime', name: loaded.prefill.citizenName ?? '', details: '' }]));
        setEmail((current) => current || loaded.prefill.email || '');
      })
      .catch((caught: Error) => setError(caught.message));
  }, [conversationId]);

  // The reports' delivery states change in the worker: re-read while one is still on its way.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api
        .get<Report[]>(`/api/conversations/${conversationId}/reports`)
        .then((loaded) => {
          if (stopped) return;
          setReports(loaded);
          if (loaded.some((report) => report.status === 'sending')) timer = setTimeout(load, 2000);
        })
        .catch(() => undefined);
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [conversationId, clientReportId]);

  useEffect(() => {
    const text = query.trim();
    if (text.length < 2 || (choice && choice.commune.name === text)) {
      setCommunes([]);
      return;
    }
    const pause = setTimeout(() => {
      api
        .get<Commune[]>(`/api/communes?q=${encodeURIComponent(text)}`)
        .then(setCommunes)
        .catch(() => setCommunes([]));
    }, 200);
    return () => clearTimeout(pause);
  }, [query, choice]);

  async function chooseCommune(commune: Commune) {
    setQuery(commune.name);
    setCommunes([]);
    try {
      setChoice(await api.get<UnitChoice>(`/api/communes/${commune.code}/unit`));
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  async function submit() {
    if (!choice) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/conversations/${conversationId}/reports`, {
        clientReportId,
        nature,
        factsAt: factsAt ? new Date(factsAt).toISOString() : undefined,
        factsPlace: place,
        communeCode: choice.commune.code,
        persons: persons.filter((person) => person.name.trim() || person.details.trim()),
        summary,
        urgency,
        consentToContact: consent,
        contactMeans: consent ? { phone, email, preference } : undefined,
        messageIds: joined,
        unitId: override || undefined,
        overrideReason: override ? reason : undefined,
      });
      setClientReportId(newClientMessageId());
      setSummary('');
      setJoined([]);
      setOverride('');
      setReason('');
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const citizenMessages = messages.filter((message) => message.direction !== 'internal' && message.author !== 'system');
  const needsUnit = choice !== null && choice.unit === null;
  const ready = !!choice && !!nature && summary.trim().length > 0 && (!needsUnit || (!!override && reason.trim().length >= 3));

  return (
    <section className="panel report-panel" aria-labelledby={`${id}-title`} data-testid="report-panel">
      <h3 id={`${id}-title`}>{t.title}</h3>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        style={{ display: 'grid', gap: '0.4rem', width: '100%' }}
      >
        <label>
          {t.nature}{' '}
          <select value={nature} onChange={(event) => setNature(event.target.value)} name="nature">
            {draft?.natures.map((item) => (
              <option key={item.key} value={item.key}>
                {item.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.factsAt} <input type="datetime-local" value={factsAt} onChange={(event) => setFactsAt(event.target.value)} name="factsAt" />
        </label>
        <div>
          <label htmlFor={`${id}-commune`}>{t.commune}</label>{' '}
          <input
            id={`${id}-commune`}
            name="commune"
            // Only while the suggestions are shown: a reference to a missing element is invalid (axe: aria-valid-attr-value).
            aria-controls={communes.length > 0 ? `${id}-communes` : undefined}
            aria-describedby={`${id}-commune-hint`}
            autoComplete="off"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setChoice(null);
            }}
          />
          <small id={`${id}-commune-hint`}> {t.communeHint}</small>
          {communes.length > 0 && (
            // A list of buttons, not a listbox: an option may not hold a button (axe: nested-interactive), and each
            // commune is one Tab away and chosen with Enter.
            <ul id={`${id}-communes`} aria-label={t.commune} className="commune-options">
              {communes.map((commune) => (
                <li key={commune.code}>
                  <button type="button" onClick={() => void chooseCommune(commune)} data-commune={commune.code}>
                    {commune.name} ({commune.department}) {commune.postcodes.slice(0, 3).join(', ')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {choice && (
            <p data-testid="routed-unit" aria-live="polite">
              {choice.unit ? (
                <>
                  {t.routedTo} : <strong>{choice.unit.name}</strong> {choice.matchedBy === 'fallback' ? t.fallback : ''}
                </>
              ) : (
                <strong>{t.noUnit}</strong>
              )}
            </p>
          )}
        </div>
        {choice && (
          <label>
            {t.otherUnit}{' '}
            <select value={override} onChange={(event) => setOverride(event.target.value)} name="unit">
              <option value="">{choice.unit ? t.sameUnit : '—'}</option>
              {draft?.units
                .filter((unit) => unit.id !== choice.unit?.id)
                .map((unit) => (
                  <option key={unit.id} value={unit.id}>
                    {unit.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {override && (
          <label>
            {t.overrideReason} <input value={reason} onChange={(event) => setReason(event.target.value)} name="overrideReason" required />
          </label>
        )}
        <label>
          {t.place} <input value={place} onChange={(event) => setPlace(event.target.value)} name="place" />
        </label>
        <fieldset>
          <legend>{t.persons}</legend>
          {persons.map((person, index) => (
            <div key={index} className="inline">
              <label>
                {t.role}{' '}
                <select
                  value={person.role}
                  onChange={(event) => setPersons(persons.map((p, i) => (i === index ? { ...p, role: event.target.value } : p)))}
                >
                  {t.roles.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t.name} <input value={person.name} onChange={(event) => setPersons(persons.map((p, i) => (i === index ? { ...p, name: event.target.value } : p)))} />
              </label>
              <label>
                {t.details}{' '}
                <input value={person.details} onChange={(event) => setPersons(persons.map((p, i) => (i === index ? { ...p, details: event.target.value } : p)))} />
              </label>
            </div>
          ))}
          <button type="button" onClick={() => setPersons([...persons, { role: 'mis en cause', name: '', details: '' }])}>
            {t.addPerson}
          </button>
        </fieldset>
        <label>
          {t.summary}
          <textarea value={summary} onChange={(event) => setSummary(event.target.value)} rows={4} name="summary" required />
        </label>
        <label>
          {t.urgency}{' '}
          <select value={urgency} onChange={(event) => setUrgency(event.target.value)} name="urgency">
            {(draft?.urgencies ?? ['normale']).map((value) => (
              <option key={value} value={value}>
                {t.urgencies[value] ?? value}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={consent} onChange={(event) => setConsent(event.target.checked)} name="consent" /> {t.consent}
        </label>
        {consent && (
          <div className="inline">
            <label>
              {t.phone} <input value={phone} onChange={(event) => setPhone(event.target.value)} name="phone" type="tel" />
            </label>
            <label>
              {t.email} <input value={email} onChange={(event) => setEmail(event.target.value)} name="email" type="email" />
            </label>
            <label>
              {t.preference} <input value={preference} onChange={(event) => setPreference(event.target.value)} name="preference" />
            </label>
          </div>
        )}
        {citizenMessages.length > 0 && (
          <fieldset>
            <legend>{t.messages}</legend>
            {citizenMessages.map((message) => (
              <label key={message.id} style={{ display: 'block' }}>
                <input
                  type="checkbox"
                  checked={joined.includes(message.id)}
                  onChange={(event) =>
                    setJoined(event.target.checked ? [...joined, message.id] : joined.filter((joinedId) => joinedId !== message.id))
                  }
                  data-message-id={message.id}
                />{' '}
                {/* Citizen text is untrusted: a text node only. */}
                {message.text.slice(0, 120)}
              </label>
            ))}
          </fieldset>
        )}
        <button type="submit" disabled={!ready || busy}>
          {t.submit}
        </button>
      </form>
      {reports.length > 0 && (
        <div data-testid="reports" style={{ width: '100%' }}>
          <h4>{t.sent}</h4>
          <ul>
            {reports.map((report) => (
              <li key={report.id} data-report-status={report.status}>
                {report.natureLabel} — {report.communeName} → <strong>{report.unit.name}</strong> : {t.status[report.status]}
                {report.citizenToldAt ? ` · ${t.citizenTold}` : ''}{' '}
                <button type="button" onClick={() => void downloadPdf(report.id).catch((caught: Error) => setError(caught.message))}>
                  {t.pdf}
                </button>
                <ul>
                  {report.deliveries.map((delivery) => (
                    <li key={delivery.id} data-delivery-status={delivery.status}>
                      {t.target[delivery.target]} : {t.delivery[delivery.status]} ({delivery.attempts} {t.attempts})
                      {delivery.lastError ? ` — ${delivery.lastError}` : ''}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** The label of the toolbar button that opens the report form. */
export function useReportLabel(): string {
  return useLanguage() === 'en' ? 'Report to unit' : 'Signalement';
}
