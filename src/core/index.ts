export * from './statuses.js';
export * from './errors.js';
export * from './version.js';
