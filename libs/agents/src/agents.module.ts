import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuditModule } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { AgentsService } from './agents.service';
import { AuthService } from './auth.service';
import { Clock } from './clock';
import { SessionChangesListener } from './session-changes.listener';

@Module({
  imports: [
    AuditModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { expiresIn: config.auth.accessTokenTtlSeconds, issuer: 'brigade' },
        verifyOptions: { issuer: 'brigade', algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [AuthService, AgentsService, Clock, SessionChangesListener],
  exports: [AuthService, AgentsService, Clock, SessionChangesListener],
})
export class AgentsModule {}
