// A file chosen on the device, checked by a dry run (every error by line), then imported all or nothing.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import * as api from '../api';
import { useAdminLabels } from './admin-labels';
import { ImportReport, useFeedback } from './admin-kit';

/** What a dry run or an import found: counts, then every bad line with its column and reason. */
export function ImportReportView({ report, testId = 'import-report' }: { report: ImportReport; testId?: string }) {
  const l = useAdminLabels();
  const element = useRef<HTMLDivElement>(null);
  // The report may open below the fold: bring it into view, the list of bad lines first. (Braces: Chromium's
  // scrollIntoView now returns a promise, which React would take for the effect's cleanup.)
  useEffect(() => {
    element.current?.scrollIntoView({ block: 'nearest' });
  }, [report]);
  return (
    <div role="status" data-testid={testId} className="import-report" ref={element}>
      <p>
        {report.dryRun ? l.dryRunDone : l.importDone} · {l.importCounts(report.rows, report.created, report.updated, report.unchanged)}
      </p>
      {report.errors.length === 0 ? (
        <p>{l.noError}</p>
      ) : (
        <table className="admin-table import-errors">
          <caption>{l.importErrors(report.errors.length)}</caption>
          <thead>
            <tr>
              <th scope="col">{l.lineHeader}</th>
              <th scope="col">{l.column}</th>
              <th scope="col">{l.reason}</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((error, index) => (
              <tr key={index}>
                <td>{error.line}</td>
                <td>
                  <code>{error.field}</code>
                </td>
                <td>{error.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function CsvImport({
  path,
  columns,
  onDone,
  send,
  accept = '.csv,text/csv',
  extra,
}: {
  path?: string;
  columns: string;
  onDone: () => void;
  /** How the file goes to the server when the route does not take `{csv, dryRun}`. */
  send?: (text: string, dryRun: boolean) => Promise<ImportReport>;
  accept?: string;
  extra?: ReactNode;
}) {
  const l = useAdminLabels();
  const { run, view } = useFeedback();
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);

  async function submit(dryRun: boolean) {
    const result = await run(() => (send ? send(csv, dryRun) : api.post<ImportReport>(path!, { csv, dryRun })), dryRun ? undefined : l.done);
    if (result) {
      setReport(result);
      if (!dryRun && result.errors.length === 0) onDone();
    } else {
      setReport(null);
    }
  }

  return (
    <fieldset className="admin-form import">
      <legend>
        {l.csvFile} ({columns})
      </legend>
      {extra}
      <input
        type="file"
        accept={accept}
        aria-label={l.csvFile}
        onChange={(event) => {
          const file = event.target.files?.[0];
          setReport(null);
          if (file) void file.text().then(setCsv);
        }}
      />
      <button type="button" disabled={!csv} onClick={() => void submit(true)}>
        {l.dryRun}
      </button>
      <button type="button" disabled={!csv} onClick={() => void submit(false)}>
        {l.importNow}
      </button>
      {view}
      {report && <ImportReportView report={report} />}
    </fieldset>
  );
}
