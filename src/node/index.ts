export * from './names.js';
export * from './rule-data.js';
export * from './sets.js';
export * from './ruleset.js';
export * from './restore.js';
export * from './script.js';
