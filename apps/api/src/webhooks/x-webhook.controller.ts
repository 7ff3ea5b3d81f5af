import { Controller, ForbiddenException, Get, Headers, HttpCode, NotFoundException, Post, Query, RawBodyRequest, Req } from '@nestjs/common';
import { ChannelSwitchService } from '@brigade/administration';
import { XWebhookService } from '@brigade/channels';
import { Public } from '../auth/auth.decorators';
import { toWebhookResponse } from './webhook-outcome';

/** X's webhook (path kept from the Twitter era, as configured in X's console); authenticated by the consumer secret. */
@Public()
@Controller('webhooks/twitter')
export class XWebhookController {
  constructor(
    private readonly webhook: XWebhookService,
    private readonly switches: ChannelSwitchService,
  ) {}

  @Get()
  crc(@Query('crc_token') crcToken: unknown): { response_token: string } {
    if (!this.webhook.enabled) throw new NotFoundException('this channel is switched off');
    const answer = this.webhook.crc(crcToken);
    if (!answer) throw new ForbiddenException('missing crc_token');
    return answer;
  }

  @Post()
  @HttpCode(200)
  async receive(@Req() request: RawBodyRequest<{ body?: unknown }>, @Headers('x-twitter-webhooks-signature') signature?: string) {
    await this.switches.assertAccepting('x', request.body);
    return toWebhookResponse(await this.webhook.receive(request.rawBody, signature, request.body));
  }
}
