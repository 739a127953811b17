export * from './assign';
export * from './errors';
export * from './plan';
export * from './profile';
export * from './proposals-file';
export * from './reassign';
export * from './rules';
