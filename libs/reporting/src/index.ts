export * from './reporting-views';
// The supervisor's live view is part of the socket contract (libs/realtime); reporting fills it.
export type { AgentLoadView, OpenConversationView, QueueBreaches, QueueBucket, QueueLoadView } from '@brigade/realtime';
export * from './reporting.module';
export * from './reporting.service';
export * from './reports-csv';
export * from './supervisor-history.service';
