export * from './reporting-views';
export * from './reporting.module';
export * from './reporting.service';
export * from './reports-csv';
