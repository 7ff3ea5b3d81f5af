import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { RetentionService } from '@brigade/privacy';

/** Runs the retention purge periodically; several workers may run it at once (rows are locked, skipped if taken). */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.retention
        .purgeExpired()
        .then((report) => {
          if (report.conversations.length || report.inboxEntries) {
            this.logger.log({ conversations: report.conversations.length, inboxEntries: report.inboxEntries }, 'retention purge');
          }
        })
        .catch((error: unknown) => this.logger.warn({ err: error }, 'retention purge failed'));
    }, this.config.retention.sweepMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
