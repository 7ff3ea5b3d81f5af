import { StoredAttachment } from '@brigade/attachments/entities';
import { ChannelSwitch, PasswordResetCode, QueueDefinition } from '@brigade/administration/entities';
import { Agent, AgentIdentity, AgentMfa, AgentStateChange, AuthChallenge, AuthSession, Shift, SsoSession } from '@brigade/agents/entities';
import { AuditEvent } from '@brigade/audit/entities';
import { ChannelIdentity, Contact } from '@brigade/contacts/entities';
import { Assignment, CannedReply, Conversation, Message } from '@brigade/conversations/entities';
import { InboxEntry, QuarantinedMessage } from '@brigade/intake/entities';
import { KnowledgeArticle, KnowledgeArticleVersion, KnowledgeArticleWord, KnowledgeEditor, KnowledgeEvent, KnowledgeLexiconWord } from '@brigade/knowledge-base/entities';
import { PlatformSetting } from '@brigade/triage/entities';
import { DeliveryAttempt } from '@brigade/channels/entities';
import { LocalUnit, ReportDelivery, UnitReport } from '@brigade/unit-reports/entities';

/** Every mapped table of the platform; the DataSource of the app and of the migration CLI both use this list. */
export const ENTITIES = [Agent, AgentStateChange, AuthSession, Shift, Contact, ChannelIdentity, Conversation, Message, Assignment, CannedReply, AuditEvent, InboxEntry, QuarantinedMessage, DeliveryAttempt, PlatformSetting, QueueDefinition, ChannelSwitch, PasswordResetCode, AgentIdentity, AgentMfa, AuthChallenge, SsoSession, KnowledgeArticle, KnowledgeArticleVersion, KnowledgeArticleWord, KnowledgeLexiconWord, KnowledgeEditor, KnowledgeEvent, LocalUnit, UnitReport, ReportDelivery, StoredAttachment];
