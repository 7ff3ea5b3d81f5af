// A CSV file chosen on the device, checked by a dry run (every error by line), then imported all or nothing.
import { useState } from 'react';
import * as api from '../api';
import { useAdminLabels } from './admin-labels';
import { ImportReport, useFeedback } from './admin-kit';

export function CsvImport({ path, columns, onDone }: { path: string; columns: string; onDone: () => void }) {
  const l = useAdminLabels();
  const { run, view } = useFeedback();
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);

  async function submit(dryRun: boolean) {
    const result = await run(() => api.post<ImportReport>(path, { csv, dryRun }), dryRun ? undefined : l.done);
    if (result) {
      setReport(result);
      if (!dryRun) onDone();
    }
  }

  return (
    <fieldset className="admin-form">
      <legend>
        {l.csvFile} ({columns})
      </legend>
      <input
        type="file"
        accept=".csv,text/csv"
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
      {report && (
        <div role="status" data-testid="import-report">
          <p>
            {report.rows} · +{report.created} · ~{report.updated}
          </p>
          {report.errors.length === 0 ? (
            <p>{l.noError}</p>
          ) : (
            <ul>
              {report.errors.map((error, index) => (
                <li key={index}>
                  {l.line} {error.line} · {error.field}
                  {l.colon}
                  {error.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </fieldset>
  );
}
