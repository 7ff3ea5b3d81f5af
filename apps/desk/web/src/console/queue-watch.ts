// The console's live figures (`queue:status`) are sent to sockets that asked with `queue:watch`. The console and the
// wallboard both show them and replace each other on the screen: one view leaving ("stop") and the other arriving
// ("start") would send two requests the server answers in any order (each reads the session first), and a late "stop"
// would silence the view just shown. So one watch per socket, shared: views hold it, the requests are sent one at a
// time, each after the previous answer, and the last state asked for wins.
import type { DeskSocket } from '../socket';

interface WatchState {
  holders: number;
  /** What the server was last told and answered; null when unknown (never asked, or the socket reconnected). */
  told: boolean | null;
  inFlight: boolean;
  onError: Set<(message: string) => void>;
}

const states = new WeakMap<DeskSocket, WatchState>();

function stateOf(socket: DeskSocket): WatchState {
  let state = states.get(socket);
  if (!state) {
    const created: WatchState = { holders: 0, told: null, inFlight: false, onError: new Set() };
    // A new connection starts with no room joined: ask again.
    socket.on('connect', () => {
      created.told = null;
      sync(socket, created);
    });
    states.set(socket, created);
    state = created;
  }
  return state;
}

function sync(socket: DeskSocket, state: WatchState): void {
  const wanted = state.holders > 0;
  if (state.inFlight || !socket.connected || state.told === wanted || (state.told === null && !wanted)) return;
  state.inFlight = true;
  socket.emit('queue:watch', { watch: wanted }, (ack) => {
    state.inFlight = false;
    if (ack.ok) state.told = wanted;
    else state.onError.forEach((report) => report(ack.error));
    if (ack.ok) sync(socket, state);
  });
}

/** Holds the watch while a view shows live figures; returns the release. */
export function holdQueueWatch(socket: DeskSocket, onError?: (message: string) => void): () => void {
  const state = stateOf(socket);
  state.holders += 1;
  if (onError) state.onError.add(onError);
  sync(socket, state);
  return () => {
    state.holders -= 1;
    if (onError) state.onError.delete(onError);
    sync(socket, state);
  };
}
