import {
  BadRequestException,
  ForbiddenException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import type { WebhookOutcome } from '@brigade/channels';

/** The HTTP answer to Meta or X: 200 for anything they must not retry, an error only when retrying is right. */
export function toWebhookResponse(outcome: WebhookOutcome): { received: true } {
  switch (outcome.status) {
    case 'disabled':
      throw new NotFoundException('this channel is switched off');
    case 'not-json':
      throw new BadRequestException('expected a JSON body');
    case 'too-large':
      throw new PayloadTooLargeException(`webhook bodies are limited to ${outcome.limitBytes} bytes`);
    case 'missing-signature':
      throw new UnauthorizedException('missing signature');
    case 'bad-signature':
      throw new ForbiddenException('invalid signature');
    case 'accepted':
      return { received: true };
  }
}
