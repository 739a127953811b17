export * from './assign';
export * from './errors';
export * from './plan';
export * from './profile';
export * from './reassign';
export * from './rules';
