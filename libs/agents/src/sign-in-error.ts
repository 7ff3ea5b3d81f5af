/** Why a sign-in step was refused; the API maps each reason to its HTTP status (libs stay free of the HTTP layer). */
export type SignInFailure =
  | 'sso-disabled'
  | 'sso-state'
  | 'sso-provider'
  | 'sso-refused'
  | 'sso-cancelled'
  | 'sso-conflict'
  | 'challenge-invalid'
  | 'code-invalid'
  | 'too-many-attempts'
  | 'already-enrolled';

/** A refused sign-in step, with the French message shown to the agent. */
export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}
