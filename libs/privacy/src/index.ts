export * from './personal-data.service';
export * from './privacy.module';
export * from './retention.service';
