import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseFilters } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { ReportDeliveryService, UNIT_TYPES, UnitType, UnitsAdminService } from '@brigade/unit-reports';
import { CurrentAgent, Roles } from '../auth/auth.decorators';
import { ReportErrorFilter } from './report-error.filter';

class UnitChangesBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsIn(UNIT_TYPES)
  type?: UnitType;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  webhookUrl?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @IsString({ each: true })
  communes?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @IsString({ each: true })
  postcodes?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  departments?: string[];

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

class NewUnitBody extends UnitChangesBody {
  @Matches(/^[a-z0-9][a-z0-9-]{1,59}$/, { message: 'code: lowercase letters, digits and "-" (2 to 60)' })
  code: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @IsIn(UNIT_TYPES)
  declare type: UnitType;
}

class ImportBody {
  @IsString()
  @MaxLength(200_000)
  csv: string;
}

class ImportQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

/** The unit directory and the dead letter list of report deliveries (administrators). */
@Controller('api/admin')
@Roles('admin')
@UseFilters(ReportErrorFilter)
export class AdminUnitsController {
  constructor(
    private readonly units: UnitsAdminService,
    private readonly deliveries: ReportDeliveryService,
  ) {}

  @Get('units')
  list() {
    return this.units.list();
  }

  @Post('units')
  create(@CurrentAgent() actor: AgentPrincipal, @Body() body: NewUnitBody) {
    const { code, ...fields } = body;
    return this.units.create(actor, code, fields);
  }

  @Patch('units/:id')
  update(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: UnitChangesBody) {
    return this.units.update(actor, id, body);
  }

  /** CSV import; ?dryRun=true checks the file and counts what would change without writing. */
  @Post('units/import')
  @HttpCode(200)
  import(@CurrentAgent() actor: AgentPrincipal, @Body() body: ImportBody, @Query() query: ImportQuery) {
    return this.units.importCsv(actor, body.csv, query.dryRun === 'true');
  }

  @Get('report-deliveries/failed')
  failed() {
    return this.deliveries.failedDeliveries();
  }

  @Post('report-deliveries/:id/retry')
  @HttpCode(200)
  retry(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.deliveries.retry(actor, id);
  }
}
