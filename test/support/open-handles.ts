import { createHook } from 'node:async_hooks';

/**
 * What keeps the test process alive after the run, the way why-is-node-running finds it: jest's --detectOpenHandles
 * missed the timer ioredis armed after the app had closed. The integration teardown always names the resources left
 * (timers, sockets, child processes); with TEST_HANDLE_STACKS=1 the setup also records where each was created.
 */
const WATCHED = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TCPCONNECTWRAP', 'PROCESSWRAP', 'MESSAGEPORT', 'WORKER', 'UDPWRAP', 'SIGNALWRAP']);
const created = new Map<number, { type: string; stack: string; resource: object }>();

export const TRACE_HANDLES = process.env.TEST_HANDLE_STACKS === '1';

export function traceHandleCreation(): void {
  createHook({
    init(id, type, _trigger, resource) {
      if (!WATCHED.has(type)) return;
      const stack = (new Error().stack ?? '').split('\n').slice(3, 13).join('\n');
      created.set(id, { type, stack, resource: resource as object });
    },
    destroy(id) {
      created.delete(id);
    },
  }).enable();
}

/** The resources still open, standard input and output aside; with their creation stacks when traced. */
export function openHandlesReport(): string[] {
  const open = process.getActiveResourcesInfo().filter((type) => !['PipeWrap', 'TTYWrap', 'FSReqCallback'].includes(type));
  if (open.length === 0) return [];
  const stacks = [...created.values()]
    .filter(({ type, resource }) => {
      const timer = resource as { hasRef?: () => boolean; _destroyed?: boolean };
      return type !== 'Timeout' || (!timer._destroyed && timer.hasRef?.() !== false);
    })
    .map(({ type, stack }) => `${type}\n${stack}`);
  return [`still open after the run: ${open.join(', ')}`, ...stacks];
}
