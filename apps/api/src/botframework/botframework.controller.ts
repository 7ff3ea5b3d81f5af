import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import {
  BotFrameworkKeysUnavailableError,
  BotFrameworkRequestAuthenticator,
  BotFrameworkUnauthorizedError,
  normaliseBotFrameworkActivity,
  parseBotFrameworkActivity,
} from '@brigade/channels';
import { ChannelSwitchService } from '@brigade/administration';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { IntakeService } from '@brigade/intake';
import { Public } from '../auth/auth.decorators';
import { EmptyAnswer } from '../openapi/answer.decorators';

/**
 * The messaging endpoint registered in Azure Bot Service. The connector's token is checked before the body is
 * looked at; a message Activity is stored in the inbox before the 200, every other activity is acknowledged.
 */
@Controller('webhooks/botframework')
export class BotFrameworkController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: BotFrameworkRequestAuthenticator,
    private readonly intake: IntakeService,
    private readonly switches: ChannelSwitchService,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  @EmptyAnswer('Activity accepted (Bot Connector expects a 200 with no body)')
  async receive(@Body() body: unknown, @Headers('authorization') authorization: string | undefined): Promise<void> {
    if (!this.config.botframework.enabled) throw new NotFoundException();
    await this.switches.assertAccepting('botframework', body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException('An Activity object is expected');
    }
    try {
      await this.authenticator.authenticate(body as Record<string, unknown>, authorization);
    } catch (error) {
      if (error instanceof BotFrameworkUnauthorizedError) throw new UnauthorizedException();
      if (error instanceof BotFrameworkKeysUnavailableError) throw new ServiceUnavailableException();
      throw error;
    }
    const parsed = parseBotFrameworkActivity(body);
    if (!parsed.ok) throw new BadRequestException(parsed.problems);
    const message = normaliseBotFrameworkActivity(parsed.activity);
    if (message) await this.intake.accept(message);
  }
}
