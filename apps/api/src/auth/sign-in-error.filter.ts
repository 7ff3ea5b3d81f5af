import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { SignInError, SignInFailure } from '@brigade/agents';

const STATUS: Record<SignInFailure, HttpStatus> = {
  'sso-disabled': HttpStatus.NOT_FOUND,
  'sso-state': HttpStatus.BAD_REQUEST,
  'sso-provider': HttpStatus.BAD_GATEWAY,
  'sso-refused': HttpStatus.FORBIDDEN,
  'sso-cancelled': HttpStatus.BAD_REQUEST,
  'sso-conflict': HttpStatus.CONFLICT,
  'challenge-invalid': HttpStatus.UNAUTHORIZED,
  'code-invalid': HttpStatus.UNAUTHORIZED,
  'too-many-attempts': HttpStatus.TOO_MANY_REQUESTS,
  'already-enrolled': HttpStatus.CONFLICT,
};

export const signInErrorStatus = (error: SignInError): HttpStatus => STATUS[error.reason];

/** Answers a refused sign-in step like the platform's other errors: status, French message, and the reason. */
@Catch(SignInError)
export class SignInErrorFilter implements ExceptionFilter<SignInError> {
  catch(error: SignInError, host: ArgumentsHost): void {
    const status = signInErrorStatus(error);
    host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>().status(status).json({ statusCode: status, message: error.message, reason: error.reason });
  }
}
