// SQL helpers the domain libs share (prepared statements, entities from raw rows): below every lib that owns entities.
export * from './hydrate';
export * from './prepared-statement';
