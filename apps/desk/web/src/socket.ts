// The desk's live connection: typed by the shared contract, re-authenticated with the current token on every
// (re)connection, and refreshed once when the server refuses an expired token.
import { io, type Socket } from 'socket.io-client';
import { accessToken, refreshSession } from './api';
import type { DeskClientToServerEvents, DeskServerToClientEvents } from './contract';

export type DeskSocket = Socket<DeskServerToClientEvents, DeskClientToServerEvents>;

export function connectDesk(): DeskSocket {
  const socket: DeskSocket = io('/desk', {
    auth: (callback) => callback({ token: accessToken() }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  socket.on('connect_error', (error) => {
    // A refused handshake is not retried by socket.io: refresh the token, then try again.
    if (error.message === 'unauthorized') {
      void refreshSession().then((ok) => {
        if (ok) socket.connect();
      });
    }
  });
  socket.on('disconnect', (reason) => {
    // socket.io does not reconnect by itself after a server-side disconnect (a restart, a resync): do it here.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500);
  });
  return socket;
}
