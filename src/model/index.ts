export * from './types.js';
export * from './cidr.js';
