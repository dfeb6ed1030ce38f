// The OpenBallot protocol in JavaScript, mirroring the Python reference byte for byte.
export * from './errors.js';
export * from './bytes.js';
export * from './group.js';
export * from './encoding.js';
export * from './elgamal.js';
export * from './proofs.js';
export * from './manifest.js';
export * from './credentials.js';
export * from './context.js';
export * from './ballot.js';
export * from './merkle.js';
export * from './treehead.js';
export * from './receipt.js';
