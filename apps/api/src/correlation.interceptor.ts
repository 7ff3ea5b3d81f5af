import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { correlation } from '@brigade/queue';

/**
 * Runs every REST call, webhook and socket event under a correlation id: the HTTP request id that the JSON logs
 * already carry (from `x-request-id` or a new one), or a new id per socket event. Every job produced meanwhile
 * carries it, and the worker logs under it, down to the outbound send.
 */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const id =
      context.getType() === 'http' ? (context.switchToHttp().getRequest<{ id?: unknown }>().id as string | undefined) : randomUUID();
    // Subscribing inside the store makes the handler (and everything it awaits) run with it.
    return new Observable((subscriber) => correlation.run(id, () => next.handle().subscribe(subscriber)));
  }
}
