export * from './parse';
export * from './proposal';
export * from './schema';
export * from './validate';
