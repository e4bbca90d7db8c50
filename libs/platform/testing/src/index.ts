export * from './jwks.js';
export * from './logs.js';
export * from './mysql.js';
export * from './ports.js';
export * from './redis.js';
export * from './s3.js';
export * from './vllm-emulator/index.js';
