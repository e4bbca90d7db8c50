/**
 * RFC 9457 problem details. Every library and service throws `ProblemError` for failures a caller
 * can act on; the service kit's error handler renders it as `application/problem+json`.
 */

/** One failing field in a request, as a JSON pointer into the body, query, params or headers. */
export interface FieldError {
  /** e.g. `/body/credentials/password` */
  path: string;
  message: string;
}

export interface ProblemOptions {
  /** Longer human-readable explanation of this occurrence. */
  detail?: string;
  /** Response headers to send with the problem (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  /** Field-level validation failures. */
  errors?: FieldError[];
  /** Extra members merged into the problem document. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

export class ProblemError extends Error {
  readonly status: number;
  /** Stable, machine-readable code, e.g. `not_found`, `validation_failed`. */
  readonly code: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;

  /** @param title a short summary that does not change between occurrences of this code */
  constructor(status: number, code: string, title: string, options: ProblemOptions = {}) {
    super(title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }
}

export const isProblemError = (error: unknown): error is ProblemError => error instanceof ProblemError;

export const badRequest = (code: string, title: string, options?: ProblemOptions): ProblemError =>
  new ProblemError(400, code, title, options);

export const notFound = (what: string, id: string): ProblemError =>
  new ProblemError(404, 'not_found', `${what} not found`, { detail: `No ${what} with id '${id}' exists.` });

export const conflict = (code: string, title: string, options?: ProblemOptions): ProblemError =>
  new ProblemError(409, code, title, options);
