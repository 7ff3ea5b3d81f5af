import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { PersonalDataService } from '@brigade/privacy';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

class ReasonRequest {
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

class LegalHoldRequest extends ReasonRequest {
  @IsBoolean()
  hold: boolean;
}

class SensitiveRequest {
  @IsBoolean()
  sensitive: boolean;
}

class ExportQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  includeSensitive?: 'true' | 'false';

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** Citizens' rights and victim safety: export, erasure, legal hold, sensitive conversations. */
@Controller('api')
export class PrivacyController {
  constructor(private readonly personalData: PersonalDataService) {}

  @Get('admin/contacts/:id/export')
  @Roles('admin')
  export(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ExportQuery,
  ) {
    return this.personalData.exportContact(principal, id, {
      includeSensitive: query.includeSensitive === 'true',
      reason: query.reason,
    });
  }

  @Post('admin/contacts/:id/erase')
  @HttpCode(200)
  @Roles('admin')
  erase(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReasonRequest) {
    return this.personalData.eraseContact(principal, id, body.reason);
  }

  @Put('admin/contacts/:id/legal-hold')
  @Roles('admin')
  holdContact(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: LegalHoldRequest,
  ) {
    return this.personalData.setLegalHold(principal, 'contact', id, body.hold, body.reason);
  }

  @Put('admin/conversations/:id/legal-hold')
  @Roles('admin', 'supervisor')
  holdConversation(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: LegalHoldRequest,
  ) {
    return this.personalData.setLegalHold(principal, 'conversation', id, body.hold, body.reason);
  }

  @Put('conversations/:id/sensitive')
  markSensitive(
    @CurrentAgent() principal: AgentPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SensitiveRequest,
  ) {
    return this.personalData.setSensitive(principal, id, body.sensitive);
  }
}
