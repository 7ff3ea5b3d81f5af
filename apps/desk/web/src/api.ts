// REST client of the desk: bearer token, one silent refresh on 401, errors carrying the server's French message.
import type { LoginResult } from './contract';

interface Session {
  accessToken: string;
  refreshToken: string;
  /** Opened by single sign-on: signing out also signs out at the identity provider. */
  sso?: boolean;
}

/** The password was right and a second factor is due: 'verify' asks for a code, 'enrol' sets one up first. */
export interface MfaChallenge {
  step: 'verify' | 'enrol';
  token: string;
}

export interface MfaEnrolment {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

export interface AuthMethods {
  password: boolean;
  sso: { displayName: string } | null;
}

const SESSION_KEY = 'brigade.desk.session';

/** One field the server refused, in French (the API's validation errors, shown beside the field). */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

/**
 * The fields a refusal names: request validation (`fields`), a domain check listing `problems`, or a list of
 * "field : reason" sentences (the knowledge base's checks).
 */
function fieldsOf(payload: { message?: string | string[]; fields?: FieldError[]; problems?: FieldError[] }): FieldError[] {
  if (Array.isArray(payload.fields)) return payload.fields;
  if (Array.isArray(payload.problems)) return payload.problems.filter((problem) => typeof problem?.field === 'string');
  if (Array.isArray(payload.message)) {
    return payload.message.flatMap((sentence) => {
      const match = /^([a-zA-Z_][\w.]*) : (.+)$/s.exec(sentence);
      return match ? [{ field: match[1], message: match[2] }] : [];
    });
  }
  return [];
}

let session: Session | null = readSession();
let refreshing: Promise<RefreshOutcome> | null = null;
const signedOutListeners = new Set<() => void>();

function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function storeSession(next: Session | null): void {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
}

export function accessToken(): string | null {
  return session?.accessToken ?? null;
}

export function hasSession(): boolean {
  return session !== null;
}

export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

type SignInResult = LoginResult & { refreshToken: string };

/** The password step: signed in, or the second factor's challenge. */
export async function login(loginName: string, password: string): Promise<MfaChallenge | null> {
  const result = await request<SignInResult & { mfaRequired?: 'verify' | 'enrol'; mfaToken?: string }>('POST', '/api/auth/login', {
    login: loginName,
    password,
  }, false);
  if (result.mfaRequired && result.mfaToken) return { step: result.mfaRequired, token: result.mfaToken };
  storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken });
  return null;
}

export function authMethods(): Promise<AuthMethods> {
  return request<AuthMethods>('GET', '/api/auth/methods', undefined, false);
}

export function startMfaEnrolment(challenge: MfaChallenge): Promise<MfaEnrolment> {
  return request<MfaEnrolment>('POST', '/api/auth/mfa/enrolment', { mfaToken: challenge.token }, false);
}

/** Turns the second factor on with the first code; returns the recovery codes (signed in, but shown them first). */
export async function confirmMfaEnrolment(challenge: MfaChallenge, code: string): Promise<string[]> {
  const result = await request<SignInResult & { recoveryCodes: string[] }>(
    'POST',
    '/api/auth/mfa/enrolment/confirm',
    { mfaToken: challenge.token, code },
    false,
  );
  storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken });
  return result.recoveryCodes;
}

export async function verifyMfa(challenge: MfaChallenge, code: string): Promise<void> {
  const result = await request<SignInResult>('POST', '/api/auth/mfa/verify', { mfaToken: challenge.token, code }, false);
  storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken });
}

/** Exchanges the one-minute ticket the single sign-on callback put in the URL fragment for a desk session. */
export async function exchangeSsoTicket(ticket: string): Promise<void> {
  const result = await request<SignInResult>('POST', '/api/auth/oidc/exchange', { ticket }, false);
  storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken, sso: true });
}

export async function logout(): Promise<void> {
  let endSessionUrl: string | null = null;
  try {
    if (session?.sso) endSessionUrl = (await request<{ endSessionUrl: string | null }>('POST', '/api/auth/oidc/logout', undefined, false)).endSessionUrl;
    else if (session) await request('POST', '/api/auth/logout', undefined, false);
  } catch {
    // Signing out locally matters more than telling the server.
  }
  storeSession(null);
  signedOutListeners.forEach((listener) => listener());
  // Single sign-on: end the session at the identity provider too, which sends the browser back to the desk.
  if (endSessionUrl) location.assign(endSessionUrl);
}

/** What became of a refresh: a new access token, the session ended by the server, or the server out of reach. */
export type RefreshOutcome = 'refreshed' | 'refused' | 'unreachable';

/** Exchanges the refresh token for a new access token; one exchange at a time for every caller. */
export function refreshSession(): Promise<RefreshOutcome> {
  if (!session) return Promise.resolve('refused');
  refreshing ??= (async (): Promise<RefreshOutcome> => {
    try {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session?.refreshToken }),
      });
      // A 5xx is the server's passing trouble, not the end of the session.
      if (!response.ok) return response.status >= 500 ? 'unreachable' : 'refused';
      const result = (await response.json()) as Session;
      storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken, sso: session?.sso });
      return 'refreshed';
    } catch {
      return 'unreachable';
    } finally {
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

/** The server ended the session (signed out elsewhere, revoked, expired): back to the sign-in screen. */
export function endExpiredSession(): void {
  storeSession(null);
  signedOutListeners.forEach((listener) => listener());
}

function expired(): never {
  endExpiredSession();
  throw new ApiError(401, 'Session expirée');
}

export async function request<T>(method: string, path: string, body?: unknown, retry = true): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && retry && session) {
    const outcome = await refreshSession();
    if (outcome === 'refreshed') return request<T>(method, path, body, false);
    if (outcome === 'unreachable') throw new ApiError(503, 'Serveur injoignable, réessayez dans un instant');
    expired();
  }
  if (!response.ok) {
    let message = response.statusText;
    let fields: FieldError[] = [];
    try {
      const payload = (await response.json()) as { message?: string | string[]; messageFr?: string; fields?: FieldError[]; problems?: FieldError[] };
      // A validation error carries its French wording beside class-validator's list.
      if (payload.messageFr) message = payload.messageFr;
      else if (payload.message) message = Array.isArray(payload.message) ? payload.message.join(', ') : payload.message;
      fields = fieldsOf(payload);
    } catch {
      // Not JSON: keep the status text.
    }
    throw new ApiError(response.status, message, fields);
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? response.json() : response.text()) as Promise<T>;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
