import { Module } from '@nestjs/common';
import { QueueMetricsCollector } from './queue-metrics.collector';

@Module({ providers: [QueueMetricsCollector], exports: [QueueMetricsCollector] })
export class MetricsModule {}
