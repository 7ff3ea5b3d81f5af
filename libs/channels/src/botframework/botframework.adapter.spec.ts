import { PermanentDeliveryError, TransientDeliveryError } from '../channel-adapter';
import { deliveryErrorFrom } from './botframework.adapter';

function restError(statusCode: number | undefined, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`status ${statusCode}`), {
    name: 'RestError',
    statusCode,
    response: { headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

describe('Bot Framework delivery errors', () => {
  it('retries throttling and server errors, after Retry-After when given', () => {
    const throttled = deliveryErrorFrom(restError(429, { 'retry-after': '7' }));
    expect(throttled).toBeInstanceOf(TransientDeliveryError);
    expect((throttled as TransientDeliveryError).retryAfterMs).toBe(7000);
    const unavailable = deliveryErrorFrom(restError(503));
    expect(unavailable).toBeInstanceOf(TransientDeliveryError);
    expect((unavailable as TransientDeliveryError).retryAfterMs).toBeUndefined();
    expect(deliveryErrorFrom(restError(502))).toBeInstanceOf(TransientDeliveryError);
  });

  it('reads a Retry-After given as a date', () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const error = deliveryErrorFrom(restError(429, { 'retry-after': at })) as TransientDeliveryError;
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('gives up for good on authentication and missing-conversation refusals', () => {
    for (const status of [400, 401, 403, 404]) {
      const error = deliveryErrorFrom(restError(status));
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as PermanentDeliveryError).reason).toContain(String(status));
    }
  });

  it('retries when the connector could not be reached at all', () => {
    expect(deliveryErrorFrom(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(
      TransientDeliveryError,
    );
  });
});
