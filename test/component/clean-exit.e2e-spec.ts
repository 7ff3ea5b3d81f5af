import { connectCitizen } from '../support/clients';
import { startPlatform } from '../support/test-platform';

const openTimers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

/**
 * A closed platform leaves no timer behind: the socket adapter's stream reader used to disconnect its Redis connection a
 * second time once it had closed, and ioredis then kept a 2 s timer alive ("Jest did not exit one second after the test
 * run has completed", and a process that lingers after SIGTERM).
 */
describe('closing the platform', () => {
  it('leaves no timer running once closed, after sockets came and went', async () => {
    const before = openTimers();
    const platform = await startPlatform({}, 'api');
    const citizen = await connectCitizen(platform.url);
    await citizen.log.waitFor('session');
    citizen.socket.disconnect();
    await platform.close();
    // Sockets and Redis connections finish closing on the next turns of the event loop; the leaked timer lasted 2 s.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(openTimers()).toBeLessThanOrEqual(before);
  });
});
