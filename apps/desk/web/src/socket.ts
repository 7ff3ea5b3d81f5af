// The desk's live connection: typed by the shared contract, re-authenticated with the current token on every
// (re)connection, and refreshed once when the server refuses an expired token.
import { io, type Socket } from 'socket.io-client';
import { accessToken, endExpiredSession, refreshSession } from './api';
import type { DeskClientToServerEvents, DeskServerToClientEvents } from './contract';

export type DeskSocket = Socket<DeskServerToClientEvents, DeskClientToServerEvents>;

/** How long before the access token expires the socket is given a fresh one (the server disconnects it at expiry). */
const RENEW_BEFORE_MS = 60_000;

function expiryOf(token: string | null): number | null {
  try {
    const payload = JSON.parse(atob((token ?? '').split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Sockets the desk closed itself (signed out, left the page): no retry may open them again. */
const closedByDesk = new WeakSet<DeskSocket>();

export function closeDesk(socket: DeskSocket): void {
  closedByDesk.add(socket);
  socket.disconnect();
}

export function connectDesk(): DeskSocket {
  const socket: DeskSocket = io('/desk', {
    auth: (callback) => callback({ token: accessToken() }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let renewal: ReturnType<typeof setTimeout> | undefined;
  // Before the token the socket holds expires: refresh the session, then hand the socket the new token.
  const scheduleRenewal = (token: string | null) => {
    clearTimeout(renewal);
    const expiresAt = expiryOf(token);
    if (expiresAt === null) return;
    renewal = setTimeout(
      () => {
        void refreshSession().then(async (outcome) => {
          const fresh = accessToken();
          if (outcome !== 'refreshed' || !socket.connected) return;
          const ack = await socket.emitWithAck('session:renew', { token: fresh ?? '' });
          if (ack.ok) scheduleRenewal(fresh);
        });
      },
      Math.max(0, expiresAt - Date.now() - RENEW_BEFORE_MS),
    );
  };
  socket.on('connect', () => scheduleRenewal(accessToken()));
  // A handshake the server refused is not retried by socket.io (socket.active turns false); transport failures are.
  let refusals = 0;
  const reconnect = () => {
    if (!closedByDesk.has(socket)) socket.connect();
  };
  const retryLater = () => setTimeout(reconnect, Math.min(5000, 500 * 2 ** Math.min(refusals++, 4)));
  socket.on('connect', () => (refusals = 0));
  socket.on('connect_error', (error) => {
    if (socket.active) return;
    if (error.message === 'unauthorized') {
      // Refresh the token, then try again. A refresh the server refuses ends the session (the sign-in screen shows);
      // one that could not reach the server is tried again.
      void refreshSession().then((outcome) => {
        if (outcome === 'refused') endExpiredSession();
        else retryLater();
      });
      return;
    }
    // Any other refusal is the server's passing trouble (its database slow or restarting): try again shortly.
    retryLater();
  });
  socket.on('disconnect', (reason) => {
    clearTimeout(renewal);
    // socket.io does not reconnect by itself after a server-side disconnect (a restart, a resync, the token's expiry):
    // do it here. After a logout or a revocation the handshake is refused and the refresh fails: it stops there.
    if (reason === 'io server disconnect') setTimeout(reconnect, 500);
  });
  return socket;
}
