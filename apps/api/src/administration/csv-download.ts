/** The part of Express's response a CSV download needs. */
export interface DownloadResponse {
  attachment(fileName: string): unknown;
  type(contentType: string): unknown;
}

/**
 * Marks a successful answer as a CSV file download. Set after the service answered, not by a decorator, so that an
 * error (bad filter) stays a JSON answer with a JSON content type.
 */
export function asCsvDownload(response: DownloadResponse, fileName: string, csv: string): string {
  response.attachment(fileName);
  response.type('text/csv; charset=utf-8');
  return csv;
}
