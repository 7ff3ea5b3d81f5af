import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuditModule } from '@brigade/audit';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { AgentsService } from './agents.service';
import { AuthChallenges } from './auth-challenges';
import { AuthService } from './auth.service';
import { Clock } from './clock';
import { SessionChangesListener } from './session-changes.listener';
import { MfaService } from './mfa.service';
import { SsoService } from './sso.service';

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
  providers: [AuthService, AgentsService, Clock, SessionChangesListener, AuthChallenges, MfaService, SsoService],
  exports: [AuthService, AgentsService, Clock, SessionChangesListener, MfaService, SsoService],
})
export class AgentsModule {}
