/**
 * Whether a citizen socket may connect from this page. Browsers always send Origin on a cross-site request; a
 * same-site page (the platform's own full-page chat) and non-browser clients may send none, and a request from the
 * platform's own host is always allowed. A non-browser client can forge any Origin: this protects citizens from
 * pages that embed the widget without permission, not the server from scripts (the rate limits do that).
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*') || !origin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host && parsed.host === host) return true;
  return allowed.some((entry) => entry.replace(/\/+$/, '') === parsed.origin);
}
