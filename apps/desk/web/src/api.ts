// REST client of the desk: bearer token, one silent refresh on 401, errors carrying the server's French message.
import type { LoginResult } from './contract';

interface Session {
  accessToken: string;
  refreshToken: string;
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

let session: Session | null = readSession();
let refreshing: Promise<boolean> | null = null;
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

export async function login(loginName: string, password: string): Promise<void> {
  const result = await request<LoginResult & { refreshToken: string }>('POST', '/api/auth/login', {
    login: loginName,
    password,
  }, false);
  storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken });
}

export async function logout(): Promise<void> {
  try {
    if (session) await request('POST', '/api/auth/logout', undefined, false);
  } catch {
    // Signing out locally matters more than telling the server.
  }
  storeSession(null);
  signedOutListeners.forEach((listener) => listener());
}

/** Exchanges the refresh token for a new access token; one exchange at a time for every caller. */
export function refreshSession(): Promise<boolean> {
  if (!session) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session?.refreshToken }),
      });
      if (!response.ok) return false;
      const result = (await response.json()) as Session;
      storeSession({ accessToken: result.accessToken, refreshToken: result.refreshToken });
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

function expired(): never {
  storeSession(null);
  signedOutListeners.forEach((listener) => listener());
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
    if (await refreshSession()) return request<T>(method, path, body, false);
    expired();
  }
  if (!response.ok) {
    let message = response.statusText;
    let fields: FieldError[] = [];
    try {
      const payload = (await response.json()) as { message?: string | string[]; messageFr?: string; fields?: FieldError[] };
      // A validation error carries its French wording beside class-validator's list.
      if (payload.messageFr) message = payload.messageFr;
      else if (payload.message) message = Array.isArray(payload.message) ? payload.message.join(', ') : payload.message;
      if (Array.isArray(payload.fields)) fields = payload.fields;
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
