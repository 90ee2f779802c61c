export * from './errors.js';
export * from './booking-view.js';
export * from './service.js';
export * from './availability.js';
export * from './meeting-types.js';
export * from './people.js';
export * from './teams.js';
export * from './lineage.js';
