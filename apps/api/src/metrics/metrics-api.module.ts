import { Module } from '@nestjs/common';
import { MetricsModule } from '@brigade/metrics';
import { MetricsController } from './metrics.controller';

@Module({ imports: [MetricsModule], controllers: [MetricsController] })
export class MetricsApiModule {}
