import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal, AuthService } from '@brigade/agents';
import { CurrentAgent, Public } from './auth.decorators';

class RefreshRequest {
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken: string;
}

/** Keeping a desk signed in through a shift, and signing it out for good. */
@Controller('api/auth')
export class SessionController {
  constructor(private readonly auth: AuthService) {}

  /** Public: the expired access token cannot authenticate this call; the refresh token does. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshRequest) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentAgent() principal: AgentPrincipal): Promise<void> {
    await this.auth.logout(principal);
  }
}
