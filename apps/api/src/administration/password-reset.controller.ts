import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { PasswordResetService } from '@brigade/administration';
import { Public } from '../auth/auth.decorators';

class PasswordResetBody {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  login: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code: string;

  @IsString()
  @MinLength(12)
  @MaxLength(200)
  newPassword: string;
}

/** Redeems a one-time code given by an administrator: public, the code is the credential (throttled per address). */
@Controller('api/auth')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Public()
  @Post('password-reset')
  @HttpCode(204)
  async reset(@Body() body: PasswordResetBody, @Ip() ip: string): Promise<void> {
    await this.resets.redeem(body.login, body.code, body.newPassword, ip);
  }
}
