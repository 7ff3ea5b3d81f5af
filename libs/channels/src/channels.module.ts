import { Module } from '@nestjs/common';
import { RealtimeModule } from '@brigade/realtime';
import { CHANNEL_ADAPTERS, ChannelRegistry } from './channel-registry';
import { DeliverReplyUseCase } from './deliver-reply.use-case';
import { WebchatAdapter } from './webchat/webchat.adapter';
import { WebchatSessions } from './webchat/webchat-sessions';

@Module({
  imports: [RealtimeModule],
  providers: [
    WebchatAdapter,
    {
      provide: CHANNEL_ADAPTERS,
      useFactory: (webchat: WebchatAdapter) => [webchat],
      inject: [WebchatAdapter],
    },
    ChannelRegistry,
    DeliverReplyUseCase,
    WebchatSessions,
  ],
  exports: [ChannelRegistry, DeliverReplyUseCase, WebchatSessions],
})
export class ChannelsModule {}
