export * from './parse';
export * from './schema';
export * from './store';
export * from './validate';
