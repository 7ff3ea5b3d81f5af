import { ConfigValidationError } from '@brigade/config';

/** Start-up errors are printed for a person to read, then the process exits non-zero. */
export function exitOnStartupFailure(error: unknown): never {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Brigade failed to start:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
