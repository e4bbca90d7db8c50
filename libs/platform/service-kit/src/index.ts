export { Type, type Static, type TSchema } from 'typebox';
export { ProblemError, notFound, badRequest, conflict } from '@one-data/errors';
export { type CommonConfig, CommonConfigSchema, ConfigError, DATABASE_URL, defineConfig, loadConfig } from './config.js';
export { createService, type ServiceApp, type ServiceOptions } from './create-service.js';
export { PROBLEM_CONTENT_TYPE, ProblemSchema, toProblem } from './problem.js';
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  PageQueryProperties,
  PageSchema,
  decodeCursor,
  encodeCursor,
  toPage,
} from './pagination.js';
export { runService, shutdownGracefully, type RunServiceOptions } from './run.js';
export { newId } from './ids.js';
export { assertValid } from './validation.js';
export { Description, Id, IdParamsSchema, Nullable, ResourceName, Timestamp } from './schemas.js';
