export * from './stored-attachment.entity';
