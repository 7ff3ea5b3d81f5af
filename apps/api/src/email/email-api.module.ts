import { Module } from '@nestjs/common';
import { ChannelsModule } from '@brigade/channels';
import { ContactController } from './contact.controller';
import { InboundSmtpListener } from './inbound-smtp.listener';

/** The contact form / e-mail channel at the edge: its public routes and the inbound SMTP listener. */
@Module({
  imports: [ChannelsModule],
  controllers: [ContactController],
  providers: [InboundSmtpListener],
  exports: [InboundSmtpListener],
})
export class EmailApiModule {}
