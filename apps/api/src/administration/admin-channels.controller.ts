import { Body, Controller, Get, Param, ParseEnumPipe, Put } from '@nestjs/common';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { ChannelSwitchService, SWITCHABLE_CHANNELS, SwitchableChannel } from '@brigade/administration';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

class SwitchBody {
  @IsBoolean()
  enabled: boolean;

  /** A page id, X user id or bot id; absent: the whole channel. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  account?: string;
}

/** Channels: every configured page, account and bot with its status, and their on/off switches. Secrets never leave. */
@Controller('api/admin/channels')
@Roles('admin')
export class AdminChannelsController {
  constructor(private readonly channels: ChannelSwitchService) {}

  @Get()
  status() {
    return this.channels.status();
  }

  @Put(':channel/switch')
  setSwitch(
    @CurrentAgent() actor: AgentPrincipal,
    @Param('channel', new ParseEnumPipe(Object.fromEntries(SWITCHABLE_CHANNELS.map((c) => [c, c])))) channel: SwitchableChannel,
    @Body() body: SwitchBody,
  ) {
    return this.channels.set(actor, channel, body.account ?? '', body.enabled);
  }
}
