import { Body, Controller, Get, Headers, HttpCode, Ip, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal, SignInError, SsoService } from '@brigade/agents';
import { CurrentAgent, Public } from './auth.decorators';
import { SignInErrorFilter } from './sign-in-error.filter';
import { RedirectAnswer } from '../openapi/answer.decorators';

const BINDING_COOKIE = 'brigade_sso';
const COOKIE_PATH = '/api/auth/oidc';
const DESK_PATH = '/desk/';

/** The parts of Express's request and response these routes use (the project carries no Express typings). */
type Request = IncomingMessage & { originalUrl: string };
interface Response {
  cookie(name: string, value: string, options: Record<string, unknown>): void;
  clearCookie(name: string, options: Record<string, unknown>): void;
  redirect(status: number, url: string): void;
}

class TicketRequest {
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  ticket: string;
}

function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/**
 * Single sign-on with the organisation's OpenID Connect provider. The browser goes to /start, signs in at the
 * provider, comes back to /callback, lands on the desk with a one-minute ticket in the URL fragment (never sent to a
 * server or logged) and exchanges it for the desk tokens.
 */
@Controller('api/auth')
@UseFilters(SignInErrorFilter)
export class SsoController {
  constructor(private readonly sso: SsoService) {}

  /** What the sign-in screen offers. */
  @Public()
  @Get('methods')
  methods() {
    return { password: true, sso: this.sso.enabled ? { displayName: this.sso.displayName } : null };
  }

  @Public()
  @Get('oidc/start')
  @RedirectAnswer('To the identity provider, or back to the desk with #sso-error=<reason>')
  async start(@Res() response: Response, @Ip() ip: string): Promise<void> {
    let started: { url: string; browserBinding: string };
    try {
      started = await this.sso.begin({ ip });
    } catch (error) {
      // A browser navigation: it gets the desk's explanation, not a JSON error page.
      if (!(error instanceof SignInError) || error.reason === 'sso-disabled') throw error;
      return response.redirect(302, `${DESK_PATH}#sso-error=${error.reason}`);
    }
    const { url, browserBinding } = started;
    response.cookie(BINDING_COOKIE, browserBinding, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.sso.secureCookies,
      path: COOKIE_PATH,
      maxAge: 10 * 60_000,
    });
    response.redirect(302, url);
  }

  @Public()
  @Get('oidc/callback')
  @RedirectAnswer('Back to the desk with #sso=<ticket> or #sso-error=<reason>')
  async callback(@Req() request: Request, @Res() response: Response, @Ip() ip: string): Promise<void> {
    response.clearCookie(BINDING_COOKIE, { path: COOKIE_PATH });
    // The registered redirect URI with the provider's parameters: behind a proxy the request's own URL may differ.
    const url = new URL(this.sso.redirectUri);
    url.search = new URL(request.originalUrl, 'http://callback').search;
    try {
      const ticket = await this.sso.complete(url, cookie(request, BINDING_COOKIE), { ip, userAgent: request.headers['user-agent'] });
      response.redirect(302, `${DESK_PATH}#sso=${encodeURIComponent(ticket)}`);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      response.redirect(302, `${DESK_PATH}#sso-error=${error.reason}`);
    }
  }

  @Public()
  @Post('oidc/exchange')
  @HttpCode(200)
  exchange(@Body() body: TicketRequest, @Ip() ip: string, @Headers('user-agent') userAgent?: string) {
    return this.sso.exchange(body.ticket, { ip, userAgent });
  }

  /** Ends the desk session; for a single sign-on session, answers where to sign out at the provider. */
  @Post('oidc/logout')
  @HttpCode(200)
  logout(@CurrentAgent() principal: AgentPrincipal) {
    return this.sso.logout(principal);
  }
}
