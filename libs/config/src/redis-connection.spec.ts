import { ConfigValidationError, loadConfig } from './app-config';
import { describeRedis, redisConnectionOptions } from './redis-connection';

describe('Redis connection settings', () => {
  it('connects to REDIS_URL when no Sentinel is listed', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:s%40cret@redis.internal:6380/2' });
    expect(config.redis.sentinel).toBeNull();
    const options = redisConnectionOptions(config.redis);
    expect(options).toMatchObject({ host: 'redis.internal', port: 6380, db: 2, password: 's@cret', maxRetriesPerRequest: null });
    expect(options.sentinels).toBeUndefined();
    expect(describeRedis(config.redis)).toBe('redis://:***@redis.internal:6380/2');
  });

  it('asks the listed Sentinels for the named primary, with the data and Sentinel passwords apart', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://ignored:6379/1',
      REDIS_PASSWORD: 'data-secret',
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b:26380,[::1]:26381',
      REDIS_SENTINEL_MASTER_NAME: 'brigade-primary',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    const options = redisConnectionOptions(config.redis, { maxRetriesPerRequest: 1 });
    expect(options).toMatchObject({
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'brigade-primary',
      role: 'master',
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
      db: 1,
      maxRetriesPerRequest: 1,
    });
    expect(options.host).toBeUndefined();
    expect(describeRedis(config.redis)).toBe('Sentinel primary "brigade-primary" via sentinel-a:26379,sentinel-b:26380,::1:26381');
  });

  it('reconnects a client that meets a demoted primary (READONLY)', () => {
    const options = redisConnectionOptions(loadConfig({}).redis);
    const reconnect = options.reconnectOnError as (error: Error) => boolean;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnect(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('lists a malformed Sentinel address with the other problems', () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b,sentinel-c:99999', FACEBOOK_ENABLED: 'true' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toContain('REDIS_SENTINELS: "sentinel-b" is not host:port');
    expect(problems).toContain('REDIS_SENTINELS: "sentinel-c:99999" is not host:port');
    expect(problems).toContain('FACEBOOK');
  });

  it('accepts a hash-tagged queue prefix for Redis Cluster and refuses a malformed one', () => {
    expect(loadConfig({ QUEUE_PREFIX: '{brigade}' }).redis.queuePrefix).toBe('{brigade}');
    expect(loadConfig({ QUEUE_PREFIX: '{brigade}prod' }).redis.queuePrefix).toBe('{brigade}prod');
    expect(() => loadConfig({ QUEUE_PREFIX: 'brig{ade}' })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ QUEUE_PREFIX: '{brigade' })).toThrow(ConfigValidationError);
  });
});
