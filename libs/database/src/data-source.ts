import 'reflect-metadata';
import { loadConfig } from '@brigade/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** The DataSource for the TypeORM CLI (migration:generate, migration:run). */
export default new DataSource(dataSourceOptions(loadConfig().database.url));
