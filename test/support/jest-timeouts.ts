// Integration tests boot the real platform and wait for real queues: give them room.
jest.setTimeout(30_000);
