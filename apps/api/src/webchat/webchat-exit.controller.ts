import { Body, Controller, ForbiddenException, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { WebchatSessions } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { Public } from '../auth/auth.decorators';
import { isOriginAllowed } from './origin-policy';
import { WebchatGateway } from './webchat.gateway';

class ExitBeacon {
  @IsString()
  @MaxLength(256)
  token: string;
}

/**
 * The quick exit's beacon: `navigator.sendBeacon` is delivered even though the page is being replaced, which a
 * socket frame sent at that moment is not always. The citizen's token is the only credential, as on the socket.
 */
@Controller('api/webchat')
export class WebchatExitController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebchatSessions,
    private readonly webchat: WebchatGateway,
  ) {}

  @Public()
  @Post('exit')
  @HttpCode(204)
  async exit(@Body() body: ExitBeacon, @Headers('origin') origin?: string, @Headers('host') host?: string): Promise<void> {
    if (!isOriginAllowed(origin, host, this.config.webchat.allowedOrigins)) throw new ForbiddenException('origin not allowed');
    const visitorId = this.sessions.verify(body.token);
    // An unknown or expired token gets the same answer: nothing to tell a caller probing tokens.
    if (visitorId) await this.webchat.leaveFor(visitorId);
  }
}
