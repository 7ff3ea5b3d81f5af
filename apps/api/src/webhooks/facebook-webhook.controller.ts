import {
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Post,
  Query,
  RawBodyRequest,
  Req,
  Res,
} from '@nestjs/common';
import { ChannelSwitchService } from '@brigade/administration';
import { FacebookWebhookService } from '@brigade/channels';
import { Public } from '../auth/auth.decorators';
import { toWebhookResponse } from './webhook-outcome';
import { TextAnswer } from '../openapi/answer.decorators';

/** Messenger's webhook, at the path configured in Meta's console; authenticated by the app secret's signature. */
@Public()
@Controller('webhooks/facebook')
export class FacebookWebhookController {
  constructor(
    private readonly webhook: FacebookWebhookService,
    private readonly switches: ChannelSwitchService,
  ) {}

  @Get()
  @TextAnswer('text/plain', 'The hub.challenge, echoed for Meta')
  verify(
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
    @Res({ passthrough: true }) response: { type(contentType: string): unknown },
  ): string {
    if (!this.webhook.enabled) throw new NotFoundException('this channel is switched off');
    const answer = this.webhook.verifySubscription(mode, token, challenge);
    if (answer === null) throw new ForbiddenException('verification failed');
    // Meta compares the body with its challenge: plain text, nothing around it.
    response.type('text/plain');
    return answer;
  }

  @Post()
  @HttpCode(200)
  async receive(@Req() request: RawBodyRequest<{ body?: unknown }>, @Headers('x-hub-signature-256') signature?: string) {
    await this.switches.assertAccepting('facebook', request.body);
    return toWebhookResponse(await this.webhook.receive(request.rawBody, signature, request.body));
  }
}
