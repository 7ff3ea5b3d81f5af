import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { QueuesAdminService, SKILL_PATTERN } from '@brigade/administration';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

const QUEUE_KEY = /^[a-z][a-z0-9-]{1,39}$/;

/** The topic's name in the other languages of the triage (French and English have their own fields). */
class QueueNameTranslationsBody {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  de?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  it?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  es?: string;
}

class QueueChangesBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameFr?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameEn?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => QueueNameTranslationsBody)
  nameTranslations?: QueueNameTranslationsBody;

  /** 0 emergency, 1 high, 2 normal, 3 low. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3)
  priority?: number;

  /** null: anyone on duty may take it. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Matches(SKILL_PATTERN, { message: 'requiredSkill must be a skill name (lowercase letters, digits, "-") or null' })
  requiredSkill?: string | null;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  slaWaitSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  slaFirstReplySeconds?: number;

  /** Hours within which a message of the contact form / e-mail channel should be answered (default 24). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  emailSlaHours?: number;

  /** Surge watch: waits past this propose surge mode; null: the queue is not watched. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(10)
  @Max(86_400)
  surgeWaitSeconds?: number | null;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(1440)
  noReplyRerouteMinutes?: number | null;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number | null;

  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  triageKeywords?: string[];

  /** Place in the triage menu (1 = first); null: after the numbered ones. A new queue goes last by default. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(99)
  triagePosition?: number | null;

  @IsOptional()
  @IsBoolean()
  sensitive?: boolean;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

class NewQueueBody extends QueueChangesBody {
  @Matches(QUEUE_KEY, { message: 'key must be 2-40 lowercase letters, digits or "-", starting with a letter' })
  key: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare nameFr: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare nameEn: string;
}

/** Topic queues: what routing, service levels and retention read for each topic. */
@Controller('api/admin/queues')
@Roles('admin')
export class AdminQueuesController {
  constructor(private readonly queues: QueuesAdminService) {}

  @Get()
  list() {
    return this.queues.list();
  }

  @Post()
  create(@CurrentAgent() actor: AgentPrincipal, @Body() body: NewQueueBody) {
    const { key, ...settings } = body;
    return this.queues.create(actor, key, settings);
  }

  @Patch(':key')
  update(@CurrentAgent() actor: AgentPrincipal, @Param('key') key: string, @Body() body: QueueChangesBody) {
    return this.queues.update(actor, key, body);
  }
}
