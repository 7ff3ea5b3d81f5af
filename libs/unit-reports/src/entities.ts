export * from './local-unit.entity';
export * from './report-delivery.entity';
export * from './unit-report.entity';
