// The unit directory (administrators): territorial units that receive reports, how to reach them and the communes,
// postcodes and departments they cover; create, edit, deactivate; commune lookup when adding coverage; which unit a
// commune's report goes to; CSV import with a dry run; and the report deliveries that failed, with retry.
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import * as api from '../api';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';
import { DataTable, Field, ImportReport, TableColumn, formatInstant, useFeedback } from './admin-kit';
import { CsvImport } from './csv-import';

const UNIT_TYPES = ['brigade', 'communaute-brigades', 'bta', 'psig', 'maison-protection-familles', 'commissariat', 'autre'] as const;

export interface UnitView {
  id: string;
  code: string;
  name: string;
  type: string;
  address: string;
  phone: string;
  email: string | null;
  webhookUrl: string | null;
  communes: string[];
  postcodes: string[];
  departments: string[];
  active: boolean;
}

interface Commune {
  code: string;
  name: string;
  department: string;
  postcodes: string[];
}

interface FailedDelivery {
  id: string;
  reportId: string;
  target: 'email' | 'webhook';
  address: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  unitCode: string;
  unitName: string;
}

const fr = {
  intro: 'Les unités territoriales qui reçoivent les signalements, et le territoire que chacune couvre. Une commune nommée l’emporte sur un code postal, qui l’emporte sur un département.',
  newUnit: 'Nouvelle unité',
  code: 'Code',
  codeHint: 'Minuscules, chiffres et « - » (ex. bta-rennes) ; il ne change plus ensuite.',
  name: 'Nom',
  type: 'Type',
  types: {
    brigade: 'Brigade',
    'communaute-brigades': 'Communauté de brigades',
    bta: 'Brigade territoriale autonome',
    psig: 'PSIG',
    'maison-protection-familles': 'Maison de protection des familles',
    commissariat: 'Commissariat',
    autre: 'Autre',
  } as Record<string, string>,
  address: 'Adresse',
  phone: 'Téléphone',
  email: 'Adresse électronique',
  webhook: 'Webhook (https://…)',
  contactHint: 'Une adresse électronique ou un webhook au moins ; avec les deux, le signalement part des deux façons.',
  reachedBy: 'Envoi',
  coverage: 'Territoire couvert',
  communes: 'Communes (codes INSEE)',
  communeLookup: 'Ajouter une commune',
  communeLookupHint: 'Tapez un nom (accents facultatifs), un code postal ou un code INSEE.',
  addCommune: (name: string, code: string) => `Ajouter ${name} (${code})`,
  removeCommune: (name: string) => `Retirer ${name}`,
  postcodes: 'Codes postaux',
  departments: 'Départements',
  listHint: 'Séparés par des virgules ou des espaces.',
  active: 'Active',
  inactive: 'Désactivée',
  state: 'État',
  edit: 'Modifier',
  deactivate: 'Désactiver',
  reactivate: 'Réactiver',
  save: 'Enregistrer',
  create: 'Créer l’unité',
  cancel: 'Annuler',
  created: 'Unité créée.',
  saved: 'Unité enregistrée.',
  deactivated: 'Unité désactivée : elle ne reçoit plus de signalement.',
  reactivated: 'Unité réactivée.',
  search: 'Rechercher (code, nom, commune, code postal)',
  all: 'Toutes',
  summary: (communes: number, postcodes: number, departments: string[]) =>
    [communes ? `${communes} commune(s)` : '', postcodes ? `${postcodes} code(s) postal(aux)` : '', departments.length ? `dép. ${departments.join(', ')}` : ''].filter(Boolean).join(' · ') || '—',
  finder: 'Quelle unité pour une commune ?',
  finderResult: (commune: string, unit: string, how: string) => `${commune} → ${unit} (${how})`,
  finderNone: (commune: string) => `${commune} : aucune unité ne la couvre (ni unité de repli).`,
  matchedBy: { commune: 'par la commune', postcode: 'par le code postal', department: 'par le département', fallback: 'unité de repli' } as Record<string, string>,
  importColumns: 'code,name,type,address,phone,email,webhook_url,communes,postcodes,departments,active',
  failed: 'Envois de signalements en échec',
  failedHelp: 'Après les nouvelles tentatives automatiques, ces envois ont échoué. Corrigez l’adresse de l’unité si besoin, puis relancez : l’envoi part vers l’adresse actuelle de l’unité.',
  noFailed: 'Aucun envoi en échec.',
  unit: 'Unité',
  target: 'Mode',
  targets: { email: 'Courriel', webhook: 'Webhook' } as Record<string, string>,
  attempts: 'Tentatives',
  lastError: 'Dernière erreur',
  failedAt: 'Échec le',
  retry: 'Relancer',
  retried: 'Envoi relancé.',
};
type UnitLabels = typeof fr;
const en: UnitLabels = {
  ...fr,
  intro: 'The territorial units that receive reports and the territory each covers. A named commune beats a postcode, which beats a department.',
  newUnit: 'New unit',
  types: {
    brigade: 'Brigade',
    'communaute-brigades': 'Brigade community',
    bta: 'Autonomous territorial brigade',
    psig: 'PSIG (intervention platoon)',
    'maison-protection-familles': 'Family protection unit',
    commissariat: 'Police station',
    autre: 'Other',
  },
  codeHint: 'Lowercase letters, digits and "-" (e.g. bta-rennes); it never changes afterwards.',
  name: 'Name',
  address: 'Address',
  phone: 'Phone',
  email: 'E-mail address',
  contactHint: 'An e-mail address or a webhook at least; with both, the report goes both ways.',
  reachedBy: 'Delivery',
  coverage: 'Territory covered',
  communes: 'Communes (INSEE codes)',
  communeLookup: 'Add a commune',
  communeLookupHint: 'Type a name (accents optional), a postcode or an INSEE code.',
  addCommune: (name: string, code: string) => `Add ${name} (${code})`,
  removeCommune: (name: string) => `Remove ${name}`,
  postcodes: 'Postcodes',
  departments: 'Departments',
  listHint: 'Separated by commas or spaces.',
  inactive: 'Deactivated',
  state: 'State',
  edit: 'Edit',
  deactivate: 'Deactivate',
  reactivate: 'Reactivate',
  save: 'Save',
  create: 'Create unit',
  cancel: 'Cancel',
  created: 'Unit created.',
  saved: 'Unit saved.',
  deactivated: 'Unit deactivated: it receives no more reports.',
  reactivated: 'Unit reactivated.',
  search: 'Search (code, name, commune, postcode)',
  all: 'All',
  summary: (communes: number, postcodes: number, departments: string[]) =>
    [communes ? `${communes} commune(s)` : '', postcodes ? `${postcodes} postcode(s)` : '', departments.length ? `dept ${departments.join(', ')}` : ''].filter(Boolean).join(' · ') || '—',
  finder: 'Which unit for a commune?',
  finderNone: (commune: string) => `${commune}: no unit covers it (and no fallback unit).`,
  matchedBy: { commune: 'by commune', postcode: 'by postcode', department: 'by department', fallback: 'fallback unit' },
  failed: 'Failed report deliveries',
  failedHelp: 'These deliveries failed after the automatic retries. Fix the unit’s address if needed, then retry: it goes to the unit’s current address.',
  noFailed: 'No failed delivery.',
  unit: 'Unit',
  target: 'Mode',
  targets: { email: 'E-mail', webhook: 'Webhook' },
  attempts: 'Attempts',
  lastError: 'Last error',
  failedAt: 'Failed at',
  retry: 'Retry',
  retried: 'Delivery retried.',
};

function useUnitLabels(): UnitLabels {
  return useLanguage() === 'en' ? en : fr;
}

/** Names of communes already looked up, so that chips show "Rennes (35238)" rather than a bare code. */
const communeNames = new Map<string, string>();

function searchCommunes(text: string): Promise<Commune[]> {
  return api.get<Commune[]>(`/api/communes?q=${encodeURIComponent(text)}`).then((found) => {
    found.forEach((commune) => communeNames.set(commune.code, commune.name));
    return found;
  });
}

/** A commune search box: matches listed as buttons under it; choosing one calls onChoose. */
function CommuneLookup({ label, hint, onChoose, actionLabel }: { label: string; hint: string; onChoose: (commune: Commune) => void; actionLabel: (commune: Commune) => string }) {
  const id = useId();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Commune[]>([]);
  useEffect(() => {
    const words = text.trim();
    if (words.length < 2) {
      setFound([]);
      return;
    }
    let current = true;
    const pause = setTimeout(() => {
      searchCommunes(words).then(
        (communes) => current && setFound(communes.slice(0, 8)),
        () => current && setFound([]),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(pause);
    };
  }, [text]);
  return (
    <div className="commune-lookup">
      <label>
        {label}
        <input type="search" value={text} onChange={(event) => setText(event.target.value)} aria-describedby={`${id}-hint`} autoComplete="off" />
      </label>
      <span className="help" id={`${id}-hint`}>
        {hint}
      </span>
      {found.length > 0 && (
        <ul className="commune-options" aria-label={label}>
          {found.map((commune) => (
            <li key={commune.code}>
              <button
                type="button"
                className="option"
                aria-label={actionLabel(commune)}
                data-commune={commune.code}
                onClick={() => {
                  onChoose(commune);
                  setText('');
                  setFound([]);
                }}
              >
                <strong>{commune.name}</strong> <span className="muted">({commune.department}) · INSEE {commune.code} · {commune.postcodes.slice(0, 3).join(', ')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const splitCodes = (text: string) => [...new Set(text.split(/[;,\s]+/).map((item) => item.trim().toUpperCase()).filter(Boolean))];

export function UnitsPage() {
  const l = useAdminLabels();
  const u = useUnitLabels();
  const language = useLanguage();
  const { run, view, notify } = useFeedback();
  const [units, setUnits] = useState<UnitView[]>([]);
  const [failed, setFailed] = useState<FailedDelivery[]>([]);
  const [editing, setEditing] = useState<UnitView | 'new' | null>(null);
  const [filter, setFilter] = useState({ q: '', type: '', active: '' });

  const load = useCallback(() => {
    void run(async () => {
      const [list, failures] = await Promise.all([api.get<UnitView[]>('/api/admin/units'), api.get<FailedDelivery[]>('/api/admin/report-deliveries/failed')]);
      setUnits(list);
      setFailed(failures);
    }, undefined, true);
  }, []);
  useEffect(load, [load]);

  const shown = useMemo(() => {
    const words = filter.q.trim().toLowerCase().normalize('NFD').replace(/\p{Diacritic}/gu, '');
    return units.filter((unit) => {
      if (filter.type && unit.type !== filter.type) return false;
      if (filter.active && String(unit.active) !== filter.active) return false;
      if (!words) return true;
      const haystack = [unit.code, unit.name, unit.address, ...unit.communes, ...unit.communes.map((code) => communeNames.get(code) ?? ''), ...unit.postcodes, ...unit.departments]
        .join(' ')
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{Diacritic}/gu, '');
      return words.split(/\s+/).every((word) => haystack.includes(word));
    });
  }, [units, filter]);

  async function setActive(unit: UnitView, active: boolean) {
    const saved = await run(() => api.request<UnitView>('PATCH', `/api/admin/units/${unit.id}`, { active }), active ? u.reactivated : u.deactivated);
    if (saved) load();
  }

  const columns: TableColumn<UnitView>[] = [
    { key: 'code', label: u.code, sortValue: (unit) => unit.code, render: (unit) => <code>{unit.code}</code> },
    { key: 'name', label: u.name, sortValue: (unit) => unit.name, render: (unit) => unit.name, className: 'wide' },
    { key: 'type', label: u.type, sortValue: (unit) => u.types[unit.type] ?? unit.type, render: (unit) => u.types[unit.type] ?? unit.type },
    { key: 'phone', label: u.phone, sortValue: (unit) => unit.phone, render: (unit) => unit.phone || '—' },
    {
      key: 'reach',
      label: u.reachedBy,
      sortValue: (unit) => unit.email ?? unit.webhookUrl ?? '',
      render: (unit) => (
        <>
          {unit.email && <span className="cell-line">{unit.email}</span>}
          {unit.webhookUrl && <span className="cell-line muted">{u.targets.webhook}</span>}
        </>
      ),
    },
    {
      key: 'coverage',
      label: u.coverage,
      sortValue: (unit) => unit.communes.length + unit.postcodes.length + unit.departments.length * 100,
      render: (unit) => (
        <span title={[...unit.communes, ...unit.postcodes, ...unit.departments.map((code) => `dép. ${code}`)].join(', ')}>
          {u.summary(unit.communes.length, unit.postcodes.length, unit.departments)}
        </span>
      ),
    },
    { key: 'active', label: u.state, sortValue: (unit) => (unit.active ? 0 : 1), render: (unit) => <span className={`badge ${unit.active ? 'status-published' : 'status-archived'}`}>{unit.active ? u.active : u.inactive}</span> },
    {
      key: 'actions',
      label: <span className="sr-only">{l.actions}</span>,
      className: 'actions',
      render: (unit) => (
        <>
          <button type="button" onClick={() => setEditing(unit)} aria-label={`${u.edit} ${unit.name}`}>
            {u.edit}
          </button>
          <button type="button" className="secondary" onClick={() => void setActive(unit, !unit.active)} aria-label={`${unit.active ? u.deactivate : u.reactivate} ${unit.name}`}>
            {unit.active ? u.deactivate : u.reactivate}
          </button>
        </>
      ),
    },
  ];

  const failedColumns: TableColumn<FailedDelivery>[] = [
    { key: 'unit', label: u.unit, sortValue: (delivery) => delivery.unitName, render: (delivery) => delivery.unitName },
    { key: 'target', label: u.target, sortValue: (delivery) => delivery.target, render: (delivery) => `${u.targets[delivery.target] ?? delivery.target} · ${delivery.address}` },
    { key: 'attempts', label: u.attempts, sortValue: (delivery) => delivery.attempts, render: (delivery) => delivery.attempts },
    { key: 'error', label: u.lastError, render: (delivery) => <span className="error-text">{delivery.lastError ?? '—'}</span> },
    { key: 'at', label: u.failedAt, sortValue: (delivery) => delivery.failedAt, render: (delivery) => formatInstant(delivery.failedAt, language) },
    {
      key: 'retry',
      label: <span className="sr-only">{l.actions}</span>,
      render: (delivery) => (
        <button type="button" onClick={() => void run(() => api.post(`/api/admin/report-deliveries/${delivery.id}/retry`), u.retried).then(load)}>
          {u.retry}
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="units-title">
      <h2 id="units-title">{l.tabs.units}</h2>
      <p className="help">{u.intro}</p>
      {view}
      {editing ? (
        <UnitEditor
          key={editing === 'new' ? 'new' : editing.id}
          unit={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(text) => {
            setEditing(null);
            notify(text);
            load();
          }}
        />
      ) : (
        <div className="admin-toolbar">
          <button type="button" onClick={() => setEditing('new')}>
            {u.newUnit}
          </button>
        </div>
      )}
      <div className="admin-filters" role="search">
        <label>
          {u.search}
          <input type="search" value={filter.q} onChange={(event) => setFilter({ ...filter, q: event.target.value })} />
        </label>
        <label>
          {u.type}
          <select value={filter.type} onChange={(event) => setFilter({ ...filter, type: event.target.value })}>
            <option value="">{u.all}</option>
            {UNIT_TYPES.map((type) => (
              <option key={type} value={type}>
                {u.types[type]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {u.state}
          <select value={filter.active} onChange={(event) => setFilter({ ...filter, active: event.target.value })}>
            <option value="">{u.all}</option>
            <option value="true">{u.active}</option>
            <option value="false">{u.inactive}</option>
          </select>
        </label>
      </div>
      <DataTable rows={shown} columns={columns} rowKey={(unit) => unit.id} testId="units-table" caption={l.tabs.units} initialSort={{ key: 'code', direction: 'ascending' }} />
      <UnitFinder />
      <CsvImport
        columns={u.importColumns}
        onDone={load}
        send={(csv, dryRun) => api.post<ImportReport>(`/api/admin/units/import?dryRun=${dryRun}`, { csv })}
      />
      <section aria-labelledby="failed-title" className="failed-deliveries">
        <h3 id="failed-title">{u.failed}</h3>
        <p className="help">{u.failedHelp}</p>
        <DataTable rows={failed} columns={failedColumns} rowKey={(delivery) => delivery.id} testId="failed-deliveries" caption={u.failed} empty={u.noFailed} initialSort={{ key: 'at', direction: 'descending' }} />
      </section>
    </section>
  );
}

/** Which unit a report for a commune would go to now (the desk's own routing), to check the directory. */
function UnitFinder() {
  const u = useUnitLabels();
  const [answer, setAnswer] = useState<string | null>(null);
  return (
    <div className="admin-form finder">
      <CommuneLookup
        label={u.finder}
        hint={u.communeLookupHint}
        actionLabel={(commune) => `${commune.name} (${commune.department})`}
        onChoose={(commune) => {
          api
            .get<{ unit: { code: string; name: string } | null; matchedBy: string | null }>(`/api/communes/${commune.code}/unit`)
            .then(
              (choice) => setAnswer(choice.unit ? u.finderResult(commune.name, choice.unit.name, u.matchedBy[choice.matchedBy ?? ''] ?? '') : u.finderNone(commune.name)),
              (caught: Error) => setAnswer(caught.message),
            );
        }}
      />
      {answer && (
        <p role="status" data-testid="unit-finder-answer" className="finder-answer">
          {answer}
        </p>
      )}
    </div>
  );
}

function UnitEditor({ unit, onClose, onSaved }: { unit: UnitView | null; onClose: () => void; onSaved: (text: string) => void }) {
  const u = useUnitLabels();
  const { run, view, fieldErrors } = useFeedback();
  const [draft, setDraft] = useState({
    code: unit?.code ?? '',
    name: unit?.name ?? '',
    type: unit?.type ?? 'brigade',
    address: unit?.address ?? '',
    phone: unit?.phone ?? '',
    email: unit?.email ?? '',
    webhookUrl: unit?.webhookUrl ?? '',
    communes: unit?.communes ?? [],
    postcodes: unit?.postcodes.join(', ') ?? '',
    departments: unit?.departments.join(', ') ?? '',
    active: unit?.active ?? true,
  });
  const [, setNamesKnown] = useState(0);
  const set = <K extends keyof typeof draft>(name: K, value: (typeof draft)[K]) => setDraft((before) => ({ ...before, [name]: value }));

  // Chips show commune names: look up the codes of an existing unit once.
  useEffect(() => {
    const unknown = draft.communes.filter((code) => !communeNames.has(code)).slice(0, 30);
    if (unknown.length === 0) return;
    void Promise.all(unknown.map((code) => searchCommunes(code).catch(() => []))).then(() => setNamesKnown((count) => count + 1));
  }, []);

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = {
      name: draft.name.trim(),
      type: draft.type,
      address: draft.address.trim(),
      phone: draft.phone.trim(),
      email: draft.email.trim() || null,
      webhookUrl: draft.webhookUrl.trim() || null,
      communes: draft.communes,
      postcodes: splitCodes(draft.postcodes),
      departments: splitCodes(draft.departments),
      active: draft.active,
    };
    const saved = await run(
      () => (unit ? api.request<UnitView>('PATCH', `/api/admin/units/${unit.id}`, fields) : api.post<UnitView>('/api/admin/units', { code: draft.code.trim(), ...fields })),
    );
    if (saved) onSaved(unit ? u.saved : u.created);
  }

  return (
    <form className="unit-editor" aria-label={unit ? `${u.edit} ${unit.name}` : u.newUnit} onSubmit={(event) => void save(event)} noValidate data-testid="unit-editor">
      <h3>{unit ? unit.name : u.newUnit}</h3>
      {view}
      <div className="field-row">
        <Field label={u.code} names={['code']} errors={fieldErrors} hint={unit ? undefined : u.codeHint}>
          <input value={draft.code} onChange={(event) => set('code', event.target.value)} readOnly={Boolean(unit)} required />
        </Field>
        <Field label={u.name} names={['name']} errors={fieldErrors} className="grow">
          <input value={draft.name} onChange={(event) => set('name', event.target.value)} required maxLength={200} />
        </Field>
        <Field label={u.type} names={['type']} errors={fieldErrors}>
          <select value={draft.type} onChange={(event) => set('type', event.target.value)}>
            {UNIT_TYPES.map((type) => (
              <option key={type} value={type}>
                {u.types[type]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="field-row">
        <Field label={u.address} names={['address']} errors={fieldErrors} className="grow">
          <input value={draft.address} onChange={(event) => set('address', event.target.value)} maxLength={500} />
        </Field>
        <Field label={u.phone} names={['phone']} errors={fieldErrors}>
          <input type="tel" value={draft.phone} onChange={(event) => set('phone', event.target.value)} maxLength={40} />
        </Field>
      </div>
      <div className="field-row">
        <Field label={u.email} names={['email']} errors={fieldErrors} hint={u.contactHint} className="grow">
          <input type="email" value={draft.email} onChange={(event) => set('email', event.target.value)} maxLength={320} />
        </Field>
        <Field label={u.webhook} names={['webhookUrl', 'webhook_url']} errors={fieldErrors} className="grow">
          <input type="url" value={draft.webhookUrl} onChange={(event) => set('webhookUrl', event.target.value)} maxLength={2000} />
        </Field>
      </div>
      <fieldset className="coverage">
        <legend>{u.coverage}</legend>
        <div className={`field${fieldErrors.communes ? ' invalid' : ''}`}>
          <span className="field-label" id="unit-communes-label">
            {u.communes}
          </span>
          <ul className="chips" aria-labelledby="unit-communes-label" data-testid="unit-communes">
            {draft.communes.length === 0 && <li className="muted">—</li>}
            {draft.communes.map((code) => {
              const name = communeNames.get(code) ?? code;
              return (
                <li key={code} className="chip">
                  {name === code ? code : `${name} (${code})`}
                  <button type="button" className="chip-remove" aria-label={u.removeCommune(name)} onClick={() => set('communes', draft.communes.filter((item) => item !== code))}>
                    ✕
                  </button>
                </li>
              );
            })}
          </ul>
          {fieldErrors.communes && (
            <span className="field-error" data-testid="error-communes">
              {fieldErrors.communes}
            </span>
          )}
        </div>
        <CommuneLookup
          label={u.communeLookup}
          hint={u.communeLookupHint}
          actionLabel={(commune) => u.addCommune(commune.name, commune.code)}
          onChoose={(commune) => set('communes', draft.communes.includes(commune.code) ? draft.communes : [...draft.communes, commune.code])}
        />
        <div className="field-row">
          <Field label={u.postcodes} names={['postcodes']} errors={fieldErrors} hint={u.listHint} className="grow">
            <input value={draft.postcodes} onChange={(event) => set('postcodes', event.target.value)} />
          </Field>
          <Field label={u.departments} names={['departments']} errors={fieldErrors} hint={u.listHint} className="grow">
            <input value={draft.departments} onChange={(event) => set('departments', event.target.value)} />
          </Field>
        </div>
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={draft.active} onChange={(event) => set('active', event.target.checked)} />
        {u.active}
      </label>
      <div className="admin-toolbar">
        <button type="submit">{unit ? u.save : u.create}</button>
        <button type="button" className="secondary" onClick={onClose}>
          {u.cancel}
        </button>
      </div>
    </form>
  );
}
