export * from './selector.js';
export * from './cidr.js';
export * from './endpoint.js';
export * from './peer.js';
export * from './port.js';
export * from './compile.js';
export * from './verdict.js';
export * from './resolve.js';
