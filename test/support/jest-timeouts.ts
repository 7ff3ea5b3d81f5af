import { closeLeftoverPlatforms } from './open-platforms';

// Integration tests boot the real platform and wait for real queues: give them room, also on a machine busy with
// other work (a boot that takes 5 s alone took over 30 s on a shared 2-core host under load).
jest.setTimeout(120_000);

// After every file: a platform its own afterAll could not close (its start outlived a timed-out hook) is closed here.
afterAll(closeLeftoverPlatforms, 180_000);
