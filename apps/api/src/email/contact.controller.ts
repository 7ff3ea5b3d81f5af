import { Body, Controller, ForbiddenException, Get, Headers, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CITIZEN_LANGUAGES, CitizenLanguage } from '@brigade/conversations';
import { ContactFormService, ContinueInWebchatUseCase } from '@brigade/channels';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { Public } from '../auth/auth.decorators';
import { isOriginAllowed } from '../webchat/origin-policy';

/**
 * Types and hard bounds only: ContactFormService checks what each field must hold and answers one French message per
 * field (`fields`), the form's own words.
 */
class ContactMessageBody {
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  topic?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  message?: string;

  @IsOptional()
  @IsString()
  @MaxLength(5)
  language?: string;

  /** Chosen by the page for one submission (8-64 letters, digits, "-", "_"): sent twice, it makes one message. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  clientId?: string;
}

class ContinueBody {
  /** The `suite` parameter of the link in an answer mail. */
  @IsString()
  @MaxLength(200)
  token: string;
}

interface ContactFormView {
  topics: { key: string; label: Record<CitizenLanguage, string> }[];
  gendarmesOnDuty: boolean;
  languages: readonly string[];
}

/**
 * "Laisser un message": the public contact form of the widget and of the /contact/ page (same origins as the web chat),
 * and the signed link of an answer mail that continues in the web chat.
 */
@Controller('api/contact')
export class ContactController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly contactForm: ContactFormService,
    private readonly continueInWebchat: ContinueInWebchatUseCase,
  ) {}

  @Public()
  @Get('form')
  async form(@Headers('origin') origin?: string, @Headers('host') host?: string): Promise<ContactFormView> {
    this.assertOrigin(origin, host);
    const info = await this.contactForm.info();
    return {
      topics: info.topics.map((topic) => ({ key: topic.key, label: topic.label })),
      gendarmesOnDuty: info.gendarmesOnDuty,
      languages: CITIZEN_LANGUAGES,
    };
  }

  @Public()
  @Post('messages')
  @HttpCode(202)
  async leaveMessage(
    @Body() body: ContactMessageBody,
    @Ip() ip: string,
    @Headers('origin') origin?: string,
    @Headers('host') host?: string,
  ): Promise<{ status: 'received' }> {
    this.assertOrigin(origin, host);
    // A duplicate (the same submission sent again) gets the same answer: the message is there once.
    await this.contactForm.submit(body, ip);
    return { status: 'received' };
  }

  @Public()
  @Post('continue')
  @HttpCode(200)
  continue(@Body() body: ContinueBody, @Headers('origin') origin?: string, @Headers('host') host?: string): Promise<{ token: string }> {
    this.assertOrigin(origin, host);
    return this.continueInWebchat.execute(body.token);
  }

  private assertOrigin(origin: string | undefined, host: string | undefined): void {
    if (!isOriginAllowed(origin, host, this.config.webchat.allowedOrigins)) throw new ForbiddenException('origin not allowed');
  }
}
