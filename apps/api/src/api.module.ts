import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { QueueDirectory } from '@brigade/administration';
import { AgentsModule } from '@brigade/agents';
import { ChannelsModule } from '@brigade/channels';
import { ConversationsModule } from '@brigade/conversations';
import { IntakeModule } from '@brigade/intake';
import { RoutingModule } from '@brigade/routing';
import { PrivacyModule } from '@brigade/privacy';
import { RealtimeModule } from '@brigade/realtime';
import { TriageModule } from '@brigade/triage';
import { ReportingModule } from '@brigade/reporting';
import { AdministrationApiModule } from './administration/administration-api.module';
import { AuthController } from './auth/auth.controller';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { SessionController } from './auth/session.controller';
import { MfaController } from './auth/mfa.controller';
import { SsoController } from './auth/sso.controller';
import { BotFrameworkController } from './botframework/botframework.controller';
import { ConversationsController } from './desk/conversations.controller';
import { DeskSearchController } from './desk/desk-search.controller';
import { InterfaceSettingsController } from './desk/interface-settings.controller';
import { DeskGateway } from './desk/desk.gateway';
import { QueueStatusBroadcaster } from './desk/queue-status-broadcaster';
import { HealthController } from './health/health.controller';
import { KnowledgeApiModule } from './knowledge/knowledge-api.module';
import { MetricsApiModule } from './metrics/metrics-api.module';
import { PrivacyController } from './privacy/privacy.controller';
import { SurgeController } from './triage/surge.controller';
import { RealtimeRelayProcessor } from './realtime-relay.processor';
import { SupervisorModule } from './supervisor/supervisor.module';
import { UnitReportsApiModule } from './reports/unit-reports-api.module';
import { DeskDirectoryController } from './reporting/desk-directory.controller';
import { ReportsController } from './reporting/reports.controller';
import { SupervisorController } from './reporting/supervisor.controller';
import { RealtimeResyncService } from './realtime-resync.service';
import { WebchatExitController } from './webchat/webchat-exit.controller';
import { WebchatAttachmentsController } from './webchat/webchat-attachments.controller';
import { AttachmentsController } from './desk/attachments.controller';
import { AttachmentsModule } from '@brigade/attachments';
import { WebchatGateway } from './webchat/webchat.gateway';
import { FacebookWebhookController } from './webhooks/facebook-webhook.controller';
import { XWebhookController } from './webhooks/x-webhook.controller';
import { CorrelationInterceptor } from './correlation.interceptor';
import { EmailApiModule } from './email/email-api.module';

/** The API process's features: REST, Socket.io gateways, and the relay of worker events to browsers. */
@Module({
  imports: [AttachmentsModule, AdministrationApiModule, EmailApiModule, KnowledgeApiModule, UnitReportsApiModule, SupervisorModule, TerminusModule, AgentsModule, ConversationsModule, IntakeModule, ChannelsModule, ReportingModule, MetricsApiModule, PrivacyModule, TriageModule, RoutingModule, RealtimeModule],
  controllers: [AuthController, SessionController, SsoController, MfaController, BotFrameworkController, ConversationsController, DeskSearchController, HealthController, SupervisorController, ReportsController, DeskDirectoryController, FacebookWebhookController, XWebhookController, PrivacyController, SurgeController, WebchatExitController, WebchatAttachmentsController, AttachmentsController, InterfaceSettingsController],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
    DeskGateway,
    WebchatGateway,
    RealtimeRelayProcessor,
    RealtimeResyncService,
    QueueStatusBroadcaster,
    QueueDirectory,
  ],
})
export class ApiModule {}
