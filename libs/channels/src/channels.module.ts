import { Module } from '@nestjs/common';
import { QueueCatalogModule } from '@brigade/administration';
import { ConversationsModule } from '@brigade/conversations';
import { MailModule } from '@brigade/mail';
import { IntakeModule } from '@brigade/intake';
import { RealtimeModule } from '@brigade/realtime';
import { CHANNEL_ADAPTERS, ChannelRegistry } from './channel-registry';
import { ChannelWebhookIntake } from './channel-webhook-intake';
import { DeliverReplyUseCase } from './deliver-reply.use-case';
import { DeliveryReceiptsService } from './delivery-receipts.service';
import { FacebookAdapter, FacebookGraphClient, FacebookProfilesService, FacebookWebhookService } from './facebook';
import { MarkConversationReadUseCase } from './mark-conversation-read.use-case';
import { ReplyToCitizenUseCase } from './reply-to-citizen.use-case';
import { SenderActionsService } from './sender-actions.service';
import { XAdapter, XDmClient, XWebhookService } from './x';
import { WebchatAdapter } from './webchat/webchat.adapter';
import { BotFrameworkAdapter, BotFrameworkCredentials, BotFrameworkRequestAuthenticator } from './botframework';
import { WebchatSessions } from './webchat/webchat-sessions';
import { ContactFormService, EmailAdapter, EmailInboundService, EmailTokens } from './email';
import { ContinueInWebchatUseCase } from './continue-in-webchat.use-case';

@Module({
  imports: [RealtimeModule, IntakeModule, ConversationsModule, MailModule, QueueCatalogModule],
  providers: [
    WebchatAdapter,
    BotFrameworkAdapter,
    BotFrameworkCredentials,
    BotFrameworkRequestAuthenticator,
    FacebookGraphClient,
    FacebookAdapter,
    FacebookProfilesService,
    FacebookWebhookService,
    XDmClient,
    XAdapter,
    XWebhookService,
    EmailTokens,
    EmailAdapter,
    EmailInboundService,
    ContactFormService,
    ContinueInWebchatUseCase,
    DeliveryReceiptsService,
    ChannelWebhookIntake,
    {
      provide: CHANNEL_ADAPTERS,
      useFactory: (webchat: WebchatAdapter, botframework: BotFrameworkAdapter, facebook: FacebookAdapter, x: XAdapter, email: EmailAdapter) => [
        webchat,
        botframework,
        facebook,
        x,
        email,
      ],
      inject: [WebchatAdapter, BotFrameworkAdapter, FacebookAdapter, XAdapter, EmailAdapter],
    },
    ChannelRegistry,
    DeliverReplyUseCase,
    WebchatSessions,
    SenderActionsService,
    MarkConversationReadUseCase,
    ReplyToCitizenUseCase,
  ],
  exports: [
    SenderActionsService,
    MarkConversationReadUseCase,
    ReplyToCitizenUseCase,
ChannelRegistry, DeliverReplyUseCase, WebchatSessions, ContactFormService, EmailInboundService, ContinueInWebchatUseCase, BotFrameworkAdapter, BotFrameworkRequestAuthenticator, FacebookAdapter, FacebookWebhookService, XWebhookService],
})
export class ChannelsModule {}
