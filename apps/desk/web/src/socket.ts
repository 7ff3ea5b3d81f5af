// The desk's live connection: typed by the shared contract, re-authenticated with the current token on every
// (re)connection, and refreshed once when the server refuses an expired token.
import { io, type Socket } from 'socket.io-client';
import { accessToken, refreshSession } from './api';
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
        void refreshSession().then(async (ok) => {
          const fresh = accessToken();
          if (!ok || !socket.connected) return;
          const ack = await socket.emitWithAck('session:renew', { token: fresh ?? '' });
          if (ack.ok) scheduleRenewal(fresh);
        });
      },
      Math.max(0, expiresAt - Date.now() - RENEW_BEFORE_MS),
    );
  };
  socket.on('connect', () => scheduleRenewal(accessToken()));
  socket.on('connect_error', (error) => {
    // A refused handshake is not retried by socket.io: refresh the token, then try again.
    if (error.message === 'unauthorized') {
      void refreshSession().then((ok) => {
        if (ok) socket.connect();
      });
    }
  });
  socket.on('disconnect', (reason) => {
    clearTimeout(renewal);
    // socket.io does not reconnect by itself after a server-side disconnect (a restart, a resync, the token's expiry):
    // do it here. After a logout or a revocation the handshake is refused and the refresh fails: it stops there.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500);
  });
  return socket;
}
