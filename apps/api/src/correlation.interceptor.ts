import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { correlation } from '@brigade/queue';
import { socketEventContext } from './socket-event-context';

/**
 * Runs every REST call, webhook and socket event under a correlation id: the HTTP request id that the JSON logs
 * already carry (from `x-request-id` or a new one), or a new id per socket event. Every job produced meanwhile
 * carries it, and the worker logs under it, down to the outbound send.
 */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'ws') {
      // A socket event: a new id, and the event's name and agent for the log line of an unexpected error.
      const ws = context.switchToWs();
      const agentId = ws.getClient<{ data?: { principal?: { agentId?: string } } }>().data?.principal?.agentId;
      const event = { event: ws.getPattern(), ...(agentId ? { agentId } : {}) };
      return new Observable((subscriber) =>
        correlation.run(randomUUID(), () => socketEventContext.run(event, () => next.handle().subscribe(subscriber))),
      );
    }
    const id = context.switchToHttp().getRequest<{ id?: unknown }>().id as string | undefined;
    // Subscribing inside the store makes the handler (and everything it awaits) run with it.
    return new Observable((subscriber) => correlation.run(id, () => next.handle().subscribe(subscriber)));
  }
}
