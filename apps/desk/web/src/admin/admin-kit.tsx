// Small pieces the administration pages share: feedback line with field-level errors, the sortable paged table,
// list splitting, CSV download.
import { cloneElement, useId, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import * as api from '../api';
import { dateTime, localeOf } from '../format';
import { useLanguage } from '../i18n';
import { useAdminLabels } from './admin-labels';

/** Field name -> the server's French reasons for it (several constraints can refuse one field). */
export type FieldErrors = Record<string, string>;

export function fieldErrorsOf(caught: unknown): FieldErrors {
  if (!(caught instanceof api.ApiError)) return {};
  const errors: FieldErrors = {};
  for (const { field, message } of caught.fields) errors[field] = errors[field] ? `${errors[field]} ; ${message}` : message;
  return errors;
}

export function useFeedback() {
  const l = useAdminLabels();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string; reasons?: string[] } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  /** Runs an action and shows its outcome; a reload (quiet) keeps the message of the action before it. */
  async function run<T>(action: () => Promise<T>, okText?: string, quiet = false): Promise<T | undefined> {
    if (!quiet) {
      setMessage(null);
      setFieldErrors({});
    }
    try {
      const result = await action();
      if (okText) setMessage({ kind: 'ok', text: okText });
      return result;
    } catch (caught) {
      const fields = fieldErrorsOf(caught);
      setFieldErrors(fields);
      // With field errors the banner is an error summary: every reason once, whether or not a field of the form
      // shows it underneath (a form without that field would otherwise leave the person with no reason at all).
      const reasons = [...new Set(Object.values(fields))];
      if (reasons.length > 0) setMessage({ kind: 'error', text: l.fixFields, reasons });
      else setMessage({ kind: 'error', text: caught instanceof Error ? caught.message : String(caught) });
      return undefined;
    }
  }
  const view = message ? (
    <div role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'help'} data-testid="admin-feedback">
      {message.text}
      {message.reasons && (
        <ul className="error-summary">
          {message.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </div>
  ) : null;
  /** Shows an outcome decided elsewhere (a form that closed on success). */
  const notify = (text: string) => setMessage({ kind: 'ok', text });
  return { run, view, fieldErrors, setFieldErrors, notify };
}

/**
 * A labelled form control with the server's message for its field right under it (linked by aria-describedby,
 * aria-invalid set). `names` lists the request fields the control stands for (`sources` and `sources.0.url`).
 * The hint and the message stay outside the label, so that the control's name is the label alone.
 */
export function Field({
  label,
  names,
  errors,
  children,
  hint,
  className,
}: {
  label: ReactNode;
  names: string[];
  errors: FieldErrors;
  children: ReactElement<Record<string, unknown>>;
  hint?: ReactNode;
  className?: string;
}) {
  const id = useId();
  // Once the person edits the field, its message goes until the next answer of the server.
  const [editedAfter, setEditedAfter] = useState<FieldErrors | null>(null);
  const found =
    editedAfter === errors
      ? []
      : Object.entries(errors)
          .filter(([field]) => names.some((name) => field === name || field.startsWith(`${name}.`)))
          .map(([, text]) => text);
  const onInput = (event: unknown) => {
    (children.props.onInput as ((event: unknown) => void) | undefined)?.(event);
    setEditedAfter(errors);
  };
  const described = [found.length > 0 ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${found.length > 0 ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, { id, onInput, 'aria-invalid': found.length > 0 || undefined, 'aria-describedby': described })}
      {hint && (
        <span className="help" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {found.length > 0 && (
        <span className="field-error" id={`${id}-error`} data-testid={`error-${names[0]}`}>
          {found.join(' ; ')}
        </span>
      )}
    </div>
  );
}

export interface TableColumn<T> {
  key: string;
  label: ReactNode;
  /** What the column sorts by; without it the column does not sort. */
  sortValue?: (row: T) => string | number | boolean | null | undefined;
  render: (row: T) => ReactNode;
  className?: string;
}

type Sort = { key: string; direction: 'ascending' | 'descending' };

/**
 * The administration's table: click a heading to sort (again to reverse; aria-sort tells screen readers), rows paged
 * with a count. Sorting and paging happen in the browser over the rows given; a server-paged list (the audit log)
 * passes `serverPage` and keeps its own paging.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  testId,
  caption,
  pageSize = 20,
  initialSort,
  empty,
  serverPage,
}: {
  rows: T[];
  columns: TableColumn<T>[];
  rowKey: (row: T) => string;
  testId?: string;
  caption: string;
  pageSize?: number;
  initialSort?: Sort;
  empty?: ReactNode;
  serverPage?: { page: number; pageCount: number; total: number; onPage: (page: number) => void };
}) {
  const l = useAdminLabels();
  const language = useLanguage();
  const [sort, setSort] = useState<Sort | null>(initialSort ?? null);
  const [page, setPage] = useState(1);
  const sorted = useMemo(() => {
    const column = sort && columns.find((candidate) => candidate.key === sort.key);
    if (!sort || !column?.sortValue) return rows;
    const collator = new Intl.Collator(localeOf(language), { numeric: true, sensitivity: 'base' });
    const sign = sort.direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const left = column.sortValue!(a);
      const right = column.sortValue!(b);
      // Empty values last whichever the direction.
      if (left === null || left === undefined || left === '') return right === null || right === undefined || right === '' ? 0 : 1;
      if (right === null || right === undefined || right === '') return -1;
      const order = typeof left === 'number' && typeof right === 'number' ? left - right : collator.compare(String(left), String(right));
      return order * sign;
    });
  }, [rows, columns, sort, language]);
  const pageCount = serverPage ? serverPage.pageCount : Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = serverPage ? serverPage.page : Math.min(page, pageCount);
  const shown = serverPage ? sorted : sorted.slice((current - 1) * pageSize, current * pageSize);
  const total = serverPage ? serverPage.total : rows.length;
  const goTo = (next: number) => (serverPage ? serverPage.onPage(next) : setPage(next));

  function toggle(key: string) {
    setSort((before) => (before?.key === key && before.direction === 'ascending' ? { key, direction: 'descending' } : { key, direction: 'ascending' }));
    if (!serverPage) setPage(1);
  }

  return (
    <div className="data-table">
      <div className="table-scroll">
        <table className="admin-table" data-testid={testId}>
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.key} scope="col" className={column.className} aria-sort={sort?.key === column.key ? sort.direction : column.sortValue ? 'none' : undefined}>
                  {column.sortValue ? (
                    <button type="button" className="sort" onClick={() => toggle(column.key)}>
                      {column.label}
                      <span aria-hidden="true" className="sort-mark">
                        {sort?.key === column.key ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="empty">
                  {empty ?? l.noRows}
                </td>
              </tr>
            ) : (
              shown.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((column) => (
                    <td key={column.key} className={column.className}>
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={`${l.pages} – ${caption}`}>
        <span data-testid={testId ? `${testId}-count` : undefined}>{l.rowCount(total)}</span>
        <button type="button" disabled={current <= 1} onClick={() => goTo(current - 1)} aria-label={l.previousPage}>
          ‹
        </button>
        <span>
          {l.page} {current} / {pageCount}
        </span>
        <button type="button" disabled={current >= pageCount} onClick={() => goTo(current + 1)} aria-label={l.nextPage}>
          ›
        </button>
      </nav>
    </div>
  );
}

export const splitList = (value: string) =>
  value
    .split(/[,;]/)
    .map((item) => item.trim())
    .filter(Boolean);

/** Downloads a route's file with the bearer token (a plain link would carry no token). */
export async function downloadCsv(path: string, fileName: string, type = 'text/csv;charset=utf-8'): Promise<void> {
  const text = await api.get<string>(path);
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged?: number;
  errors: { line: number; field: string; message: string }[];
}

/** A date and time in the interface language (not the browser's locale). */
export function formatInstant(value: string | null | undefined, language: string): string {
  return value ? dateTime(value, language) : '—';
}

/** A calendar date in the interface language. */
export function formatDay(value: string | Date | null | undefined, language: string): string {
  if (!value) return '—';
  return new Date(value).toLocaleDateString(localeOf(language), { day: 'numeric', month: 'short', year: 'numeric' });
}
