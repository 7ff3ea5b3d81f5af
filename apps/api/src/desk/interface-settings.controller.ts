// What the web apps show of the deployment (brand block, roster time zone), read before anyone signs in.
import { Controller, Get, Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import type { InterfaceSettingsView } from '@brigade/realtime';
import { Public } from '../auth/auth.decorators';

@Controller('api')
export class InterfaceSettingsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get('interface')
  settings(): InterfaceSettingsView {
    return {
      stateBrand: this.config.interface.stateBrand,
      deployerName: this.config.interface.deployerName,
      rosterTimeZone: this.config.routing.rosterTimeZone,
    };
  }
}
