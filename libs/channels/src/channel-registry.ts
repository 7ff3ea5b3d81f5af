import { Inject, Injectable } from '@nestjs/common';
import { ChannelAdapter, ChannelName } from './channel-adapter';

export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');

/** Finds the adapter of a channel; adding a channel is one folder plus one line in ChannelsModule. */
@Injectable()
export class ChannelRegistry {
  private readonly byChannel: Map<string, ChannelAdapter>;

  constructor(@Inject(CHANNEL_ADAPTERS) adapters: ChannelAdapter[]) {
    this.byChannel = new Map(adapters.map((adapter) => [adapter.channel, adapter]));
  }

  get(channel: ChannelName | string): ChannelAdapter {
    const adapter = this.byChannel.get(channel);
    if (!adapter) throw new Error(`No adapter is registered for channel "${channel}"`);
    return adapter;
  }
}
