import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, redisConnectionOptions } from '@brigade/config';
import { JobProducer } from './job-producer';
import { QueueName } from './queue-names';

const queues = Object.values(QueueName).map((name) => ({ name }));

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisConnectionOptions(config.redis),
        prefix: config.redis.queuePrefix,
      }),
    }),
    BullModule.registerQueue(...queues),
  ],
  providers: [JobProducer],
  exports: [JobProducer, BullModule],
})
export class QueueModule {}
