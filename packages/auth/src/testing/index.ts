// Test helpers for packages that use @latchkey/auth (source-only export: never part of the built package).
export { countingArgon2Engine } from './counting-argon2-engine.js';
export type { Argon2Call, CountingArgon2Engine } from './counting-argon2-engine.js';
