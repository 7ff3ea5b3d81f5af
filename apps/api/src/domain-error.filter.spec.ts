import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  LockedError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from '@brigade/errors';
import { toHttpException } from './domain-error.filter';
import { acknowledge } from './socket-ack';

describe('domain errors at the edge', () => {
  it.each([
    [new InvalidInputError('to must be on or after from'), 400, { message: 'to must be on or after from', error: 'Bad Request', statusCode: 400 }],
    [new UnauthenticatedError('Session expirée : reconnectez-vous'), 401, { message: 'Session expirée : reconnectez-vous', error: 'Unauthorized', statusCode: 401 }],
    [new ForbiddenError('Cette conversation ne vous est pas attribuée'), 403, { message: 'Cette conversation ne vous est pas attribuée', error: 'Forbidden', statusCode: 403 }],
    [new NotFoundError('Agent introuvable'), 404, { message: 'Agent introuvable', error: 'Not Found', statusCode: 404 }],
    [new ConflictError('login: "a" is already taken'), 409, { message: 'login: "a" is already taken', error: 'Conflict', statusCode: 409 }],
    [new UnavailableError('this channel is switched off'), 503, { message: 'this channel is switched off', error: 'Service Unavailable', statusCode: 503 }],
  ])('answers %p with HTTP %i and the JSON body Nest gives its own exceptions', (error, status, body) => {
    const http = toHttpException(error);
    expect(http.getStatus()).toBe(status);
    expect(http.getResponse()).toEqual(body);
  });

  it('answers a lock and a rate limit with their status and the message alone, as before', () => {
    expect(toHttpException(new LockedError('Compte verrouillé')).getStatus()).toBe(423);
    expect(toHttpException(new RateLimitedError('Trop de tentatives')).getStatus()).toBe(429);
    expect(toHttpException(new RateLimitedError('Trop de tentatives')).getResponse()).toBe('Trop de tentatives');
  });

  it('keeps every problem of a list, and the details of a report beside the message', () => {
    expect(toHttpException(new InvalidInputError(['slots: a', 'slots: b'])).getResponse()).toEqual({
      message: ['slots: a', 'slots: b'],
      error: 'Bad Request',
      statusCode: 400,
    });
    const report = { created: 0, errors: [{ line: 2, message: 'login: missing' }] };
    expect(toHttpException(new InvalidInputError('The file has errors: nothing was written', report)).getResponse()).toEqual({
      statusCode: 400,
      message: 'The file has errors: nothing was written',
      ...report,
    });
  });

  it('acknowledges a socket request refused by the domain with its status and message, and hides other failures', async () => {
    await expect(
      acknowledge(async () => {
        throw new ForbiddenError('Cette conversation ne vous est pas attribuée');
      }),
    ).resolves.toEqual({ ok: false, error: 'Cette conversation ne vous est pas attribuée', status: 403 });
    await expect(
      acknowledge(async () => {
        throw new Error('connection terminated: secret detail');
      }),
    ).resolves.toEqual({ ok: false, error: 'Erreur interne', status: 500 });
    await expect(acknowledge(async () => 42)).resolves.toEqual({ ok: true, data: 42 });
  });

  it('keeps a readable message and the class name on the error itself', () => {
    const error = new InvalidInputError(['a', 'b']);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidInputError');
    expect(error.message).toBe('a; b');
    expect(error.kind).toBe('invalid-input');
  });
});
