import { ChannelSwitch, PasswordResetCode, QueueDefinition } from '@brigade/administration/entities';
import { Agent, AuthSession, Shift } from '@brigade/agents/entities';
import { AuditEvent } from '@brigade/audit/entities';
import { ChannelIdentity, Contact } from '@brigade/contacts/entities';
import { Assignment, CannedReply, Conversation, Message } from '@brigade/conversations/entities';
import { InboxEntry } from '@brigade/intake/entities';
import { PlatformSetting } from '@brigade/triage/entities';
import { LocalUnit, ReportDelivery, UnitReport } from '@brigade/unit-reports/entities';
import { DeliveryAttempt } from '../../channels/src/delivery-attempt.entity';

/** Every mapped table of the platform; the DataSource of the app and of the migration CLI both use this list. */
export const ENTITIES = [Agent, AuthSession, Shift, Contact, ChannelIdentity, Conversation, Message, Assignment, CannedReply, AuditEvent, InboxEntry, DeliveryAttempt, PlatformSetting, QueueDefinition, ChannelSwitch, PasswordResetCode, LocalUnit, UnitReport, ReportDelivery];
