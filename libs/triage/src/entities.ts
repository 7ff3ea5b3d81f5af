export * from './platform-setting.entity';
