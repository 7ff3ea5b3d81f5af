import { AsyncLocalStorage } from 'node:async_hooks';

/** The socket event being served and who sent it: what an "Erreur interne" log line must name. */
export interface SocketEventContext {
  event: string;
  /** The signed-in agent of a desk socket; absent on the citizens' web chat. */
  agentId?: string;
}

const storage = new AsyncLocalStorage<SocketEventContext>();

export const socketEventContext = {
  current(): SocketEventContext | undefined {
    return storage.getStore();
  },
  run<T>(context: SocketEventContext, work: () => T): T {
    return storage.run(context, work);
  },
};
