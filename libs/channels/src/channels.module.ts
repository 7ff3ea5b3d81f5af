import { Module } from '@nestjs/common';
import { RealtimeModule } from '@brigade/realtime';
import { CHANNEL_ADAPTERS, ChannelRegistry } from './channel-registry';
import { DeliverReplyUseCase } from './deliver-reply.use-case';
import { WebchatAdapter } from './webchat/webchat.adapter';
import { BotFrameworkAdapter, BotFrameworkCredentials, BotFrameworkRequestAuthenticator } from './botframework';
import { WebchatSessions } from './webchat/webchat-sessions';

@Module({
  imports: [RealtimeModule],
  providers: [
    WebchatAdapter,
    BotFrameworkAdapter,
    BotFrameworkCredentials,
    BotFrameworkRequestAuthenticator,
    {
      provide: CHANNEL_ADAPTERS,
      useFactory: (webchat: WebchatAdapter, botframework: BotFrameworkAdapter) => [webchat, botframework],
      inject: [WebchatAdapter, BotFrameworkAdapter],
    },
    ChannelRegistry,
    DeliverReplyUseCase,
    WebchatSessions,
  ],
  exports: [ChannelRegistry, DeliverReplyUseCase, WebchatSessions, BotFrameworkAdapter, BotFrameworkRequestAuthenticator],
})
export class ChannelsModule {}
