import { Module } from '@nestjs/common';
import { UnitReportsModule } from '@brigade/unit-reports';
import { AdminUnitsController } from './admin-units.controller';
import { UnitReportsController } from './unit-reports.controller';

/** Reports to territorial units: the desk's routes and the unit directory's administration. */
@Module({ imports: [UnitReportsModule], controllers: [UnitReportsController, AdminUnitsController] })
export class UnitReportsApiModule {}
