import { Body, Controller, Delete, HttpCode, Ip, NotFoundException, Param, ParseUUIDPipe, Post, UseFilters, Headers } from '@nestjs/common';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal, MfaService } from '@brigade/agents';
import { CurrentAgent, Public, Roles } from './auth.decorators';
import { SignInErrorFilter } from './sign-in-error.filter';

class MfaTokenRequest {
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  mfaToken: string;
}

class MfaCodeRequest extends MfaTokenRequest {
  /** Six digits from the authenticator, or a recovery code (xxxxx-xxxxx). */
  @IsString()
  @Matches(/^[\s0-9a-zA-Z-]{6,20}$/)
  code: string;
}

/** The second step of a local sign-in when a second factor is due: enrolment (QR code, recovery codes) or the code. */
@Controller('api')
@UseFilters(SignInErrorFilter)
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Public()
  @Post('auth/mfa/enrolment')
  @HttpCode(200)
  startEnrolment(@Body() body: MfaTokenRequest, @Ip() ip: string) {
    return this.mfa.startEnrolment(body.mfaToken, { ip });
  }

  @Public()
  @Post('auth/mfa/enrolment/confirm')
  @HttpCode(200)
  confirmEnrolment(@Body() body: MfaCodeRequest, @Ip() ip: string, @Headers('user-agent') userAgent?: string) {
    return this.mfa.confirmEnrolment(body.mfaToken, body.code, { ip, userAgent });
  }

  @Public()
  @Post('auth/mfa/verify')
  @HttpCode(200)
  verify(@Body() body: MfaCodeRequest, @Ip() ip: string, @Headers('user-agent') userAgent?: string) {
    return this.mfa.verify(body.mfaToken, body.code, { ip, userAgent });
  }

  /** An administrator removes an agent's second factor (lost phone and recovery codes). */
  @Roles('admin')
  @Delete('admin/agents/:id/mfa')
  @HttpCode(204)
  async reset(@CurrentAgent() principal: AgentPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    if (!(await this.mfa.reset(principal.agentId, id))) throw new NotFoundException('Aucune double authentification pour cet agent');
  }
}
