import { Controller, ForbiddenException, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ModuleRef } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { QueueMetricsCollector, mayReadMetrics, metricsRegistry, platformMetrics } from '@brigade/metrics';
import { Public } from '../auth/auth.decorators';
import { DeskGateway } from '../desk/desk.gateway';
import { WebchatGateway } from '../webchat/webchat.gateway';
import { TextAnswer } from '../openapi/answer.decorators';

/** Prometheus scrape endpoint: METRICS_TOKEN bearer, or a direct loopback caller (see docs/operations.md). */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: QueueMetricsCollector,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Get()
  @TextAnswer('text/plain; version=0.0.4', 'Prometheus metrics (text exposition format)')
  async scrape(@Req() request: IncomingMessage, @Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    if (!mayReadMetrics(this.config.metrics.token, request.socket.remoteAddress, request.headers)) {
      throw new ForbiddenException('metrics: bearer token or loopback required');
    }
    response.setHeader('content-type', metricsRegistry.contentType);
    this.countSockets();
    await this.queues.collect();
    return metricsRegistry.metrics();
  }

  private countSockets(): void {
    const desk = this.moduleRef.get(DeskGateway, { strict: false });
    const webchat = this.moduleRef.get(WebchatGateway, { strict: false });
    platformMetrics.socketConnections.set({ namespace: 'desk' }, desk.server?.sockets.size ?? 0);
    platformMetrics.socketConnections.set({ namespace: 'webchat' }, webchat.server?.sockets.size ?? 0);
  }
}
