/**
 * Platforms started and not closed yet, including one still booting (startPlatform registers them). A hook that
 * timed out on a busy machine left its platform booting after the file's afterAll ran: its timers then kept jest
 * from exiting and wrote into the next file's run. The integration setup closes whatever is left after each file.
 * Kept apart from test-platform.ts so that the setup does not load the whole platform into files that never start it.
 */
export const openPlatforms = new Set<Promise<{ close(): Promise<void> } | null>>();

export async function closeLeftoverPlatforms(): Promise<void> {
  for (const tracked of [...openPlatforms]) {
    openPlatforms.delete(tracked);
    const platform = await tracked;
    await platform?.close().catch(() => undefined);
  }
}
