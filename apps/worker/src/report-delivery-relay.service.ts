import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { ReportsService } from '@brigade/unit-reports';

/** Puts back report deliveries whose job Redis lost, at the pace of the message relay (RELAY_INTERVAL_MS). */
@Injectable()
export class ReportDeliveryRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReportDeliveryRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: ReportsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reports
        .requeueStale(this.config.relay.graceMs)
        .then((requeued) => {
          if (requeued > 0) this.logger.log({ requeued }, 'report deliveries re-enqueued');
        })
        .catch((error: unknown) => this.logger.warn({ err: error }, 'report delivery relay failed'))
        .finally(() => (this.running = null));
    }, this.config.relay.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
