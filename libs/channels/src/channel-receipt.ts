/**
 * What a channel tells us about replies we sent, as opposed to new citizen messages: they update the status of
 * stored messages and never create one.
 */
export type ChannelReceipt =
  /** The citizen's device received these messages (by id), or everything sent up to the watermark. */
  | { kind: 'delivered'; channel: string; channelAccount: string; citizenId: string; providerMessageIds: string[]; watermark: Date | null }
  /** The citizen read everything sent up to the watermark. */
  | { kind: 'read'; channel: string; channelAccount: string; citizenId: string; watermark: Date }
  /**
   * Our own send coming back. When it carries our message id (Facebook `metadata`), it proves the provider accepted
   * that reply even if the worker died before recording it.
   */
  | { kind: 'echo'; channel: string; channelAccount: string; citizenId: string; providerMessageId: string; ourMessageId: string | null };

/** What one webhook call carried, once parsed; every list may be empty. */
export interface ParsedWebhookBatch<M> {
  messages: M[];
  receipts: ChannelReceipt[];
  /** Pages or accounts this deployment does not serve: logged and dropped, never an error for the caller. */
  unknownAccounts: string[];
  /** Events that could not be understood: logged, and they never stop the other events of the batch. */
  rejected: { reason: string; event: unknown }[];
}
