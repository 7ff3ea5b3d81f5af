import { Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { correlation, withJobCorrelation } from './correlation';

describe('withJobCorrelation', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const job = (attemptsMade: number, attempts = 3) => ({
    id: '42',
    name: 'ingest-message',
    queueName: 'inbound',
    attemptsMade,
    opts: { attempts },
    data: { correlationId: 'req-abc' },
  });

  it('runs the handler under the job’s correlation id, or job-<id> for a job without one', async () => {
    expect(await withJobCorrelation(job(0), async () => correlation.current())).toBe('req-abc');
    expect(await withJobCorrelation({ id: '7', data: {} }, async () => correlation.current())).toBe('job-7');
  });

  it('logs a failed attempt once, as a warning while retries remain, with the job and its attempt', async () => {
    const fault = new Error('panne');
    await expect(withJobCorrelation(job(0), () => Promise.reject(fault))).rejects.toBe(fault);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]).toEqual([
      { err: fault, jobId: '42', jobName: 'ingest-message', queue: 'inbound', attempt: 1, attempts: 3, final: false },
      'job attempt failed, will be retried',
    ]);
  });

  it('logs the last attempt and an unrecoverable refusal as errors', async () => {
    await expect(withJobCorrelation(job(2), () => Promise.reject(new Error('encore')))).rejects.toThrow('encore');
    await expect(withJobCorrelation(job(0), () => Promise.reject(new UnrecoverableError('refusé')))).rejects.toThrow('refusé');
    expect(warn).not.toHaveBeenCalled();
    expect(error.mock.calls.map(([line, message]) => [line.attempt, line.final, message])).toEqual([
      [3, true, 'job failed'],
      [1, true, 'job failed'],
    ]);
  });

  it('does not count a job parked for later as a failure', async () => {
    await expect(withJobCorrelation(job(0), () => Promise.reject(new DelayedError()))).rejects.toBeInstanceOf(DelayedError);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
