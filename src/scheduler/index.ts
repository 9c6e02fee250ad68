export * from './snapshot.js';
export * from './dispatch.js';
export * from './eligibility.js';
export * from './wait-reason.js';
export * from './pool-quota.js';
export * from './resource-rules.js';
