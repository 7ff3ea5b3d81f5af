import { Module } from '@nestjs/common';
import { RealtimePublisher } from './realtime-publisher';
import { SocketStreamEmitter } from './socket-stream-emitter';

@Module({ providers: [RealtimePublisher, SocketStreamEmitter], exports: [RealtimePublisher, SocketStreamEmitter] })
export class RealtimeModule {}
