export * from './statuses.js';
export * from './errors.js';
export * from './version.js';
export * from './exit-codes.js';
export * from './attempt.js';
export * from './task-cli.js';
export * from './notifications.js';
export * from './backend-kinds.js';
