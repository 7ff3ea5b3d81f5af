import { openHandlesReport } from './open-handles';

/** Names what would keep jest from exiting ("Jest did not exit one second after the test run has completed"). */
export default async function globalTeardown(): Promise<void> {
  // Sockets closed by the last afterAll finish closing on the next turns of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const report = openHandlesReport();
  if (report.length > 0) console.warn(report.join('\n\n'));
}
