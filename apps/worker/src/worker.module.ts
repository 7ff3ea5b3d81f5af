import { Module } from '@nestjs/common';
import { AgentsModule } from '@brigade/agents';
import { AttachmentsModule } from '@brigade/attachments';
import { ChannelsModule } from '@brigade/channels';
import { IntakeModule } from '@brigade/intake';
import { PrivacyModule } from '@brigade/privacy';
import { RealtimeModule } from '@brigade/realtime';
import { RoutingModule } from '@brigade/routing';
import { TriageModule } from '@brigade/triage';
import { UnitReportsModule } from '@brigade/unit-reports';
import { BackgroundTimersService } from './background-timers.service';
import { InFlightWorkDrain } from './in-flight-work-drain.service';
import { InboundMessageProcessor } from './inbound-message.processor';
import { OutboundMessageProcessor } from './outbound-message.processor';
import { RetentionScheduler } from './retention.scheduler';
import { RoutingProcessor } from './routing.processor';
import { ReportDeliveryProcessor } from './report-delivery.processor';
import { ReportDeliveryRelay } from './report-delivery-relay.service';
import { SenderActionProcessor } from './sender-action.processor';

/** The worker's features: queue processors and timers, no HTTP server. */
@Module({
  imports: [AgentsModule, AttachmentsModule, IntakeModule, RoutingModule, ChannelsModule, RealtimeModule, PrivacyModule, TriageModule, UnitReportsModule],
  providers: [InboundMessageProcessor, OutboundMessageProcessor, RoutingProcessor, SenderActionProcessor, ReportDeliveryProcessor, ReportDeliveryRelay, BackgroundTimersService, RetentionScheduler, InFlightWorkDrain],
})
export class WorkerModule {}
