export * from './selector.js';
export * from './endpoint.js';
export * from './peer.js';
export * from './port.js';
export * from './compile.js';
export * from './policy.js';
export * from './verdict.js';
export * from './resolve.js';
export * from './explain.js';
export * from './direction.js';
export * from './connections.js';
export * from './address-blocks.js';
export * from './diff.js';
export * from './service.js';
export * from './tier.js';
export * from './explain-tier.js';
// Re-exported so that every layer keeps taking it from the engine's index; it lives in a leaf.
export { assertNever } from '../assert-never.js';
// The same for the address arithmetic, which lives in model/ so that sources/ can use it.
export { bitsOf, cidrContains, cidrCovers } from '../model/index.js';
export * from './lint.js';
