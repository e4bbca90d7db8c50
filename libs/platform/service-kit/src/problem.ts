import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { ProblemError, type FieldError } from '@one-data/errors';
import { Type } from 'typebox';

/** The mirror router only answers "does this route exist"; it never handles requests. */
const noop = (): void => undefined;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem document, as every error response of the platform is shaped. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI reference identifying the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
        description: 'Failing fields, as JSON pointers into the request',
      }),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

const problemType = (code: string): string => `https://one-data.dev/problems/${code.replaceAll('_', '-')}`;

const sendProblem = (request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply => {
  reply.headers(problem.headers);
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: problemType(problem.code),
      title: problem.message,
      status: problem.status,
      code: problem.code,
      ...(problem.detail === undefined ? {} : { detail: problem.detail }),
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...(problem.errors === undefined ? {} : { errors: problem.errors }),
      ...problem.extensions,
    });
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's errors into JSON pointers a person can follow: `/body/credentials/password`. */
const toFieldError = (context: string, error: AjvError): FieldError => {
  let path = `/${context}${error.instancePath}`;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required' && typeof error.params['missingProperty'] === 'string') {
    path = `${path}/${error.params['missingProperty']}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof error.params['additionalProperty'] === 'string') {
    path = `${path}/${error.params['additionalProperty']}`;
    message = 'is not an allowed property';
  } else if (error.keyword === 'enum' && Array.isArray(error.params['allowedValues'])) {
    message = `must be one of: ${error.params['allowedValues'].join(', ')}`;
  }
  return { path, message };
};

/**
 * A value failing a union (`Type.Union([X, Type.Null()])`, literal choices) makes Ajv report every
 * branch; one message per field, the most telling one, is what a person needs.
 */
const isBranchNoise = (error: AjvError): boolean =>
  error.keyword === 'anyOf' || (error.keyword === 'type' && error.params['type'] === 'null');

const fieldErrors = (context: string, errors: AjvError[]): FieldError[] => {
  const byPath = new Map<string, { field: FieldError; noise: boolean; choices: string[] }>();
  for (const error of errors) {
    const field = toFieldError(context, error);
    const noise = isBranchNoise(error);
    const existing = byPath.get(field.path);
    const choice = error.keyword === 'const' ? String(error.params['allowedValue']) : undefined;
    if (!existing) byPath.set(field.path, { field, noise, choices: choice === undefined ? [] : [choice] });
    else {
      if (choice !== undefined) existing.choices.push(choice);
      if (existing.noise && !noise) Object.assign(existing, { field, noise });
    }
  }
  return [...byPath.values()].map(({ field, choices }) =>
    choices.length > 1 ? { path: field.path, message: `must be one of: ${choices.join(', ')}` } : field,
  );
};

/** Driver error codes that mean a dependency (database, cache, broker) is down, not that we are broken. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_BAD_DB_ERROR',
]);

const isDependencyOutage = (error: unknown): boolean => {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  }
  return false;
};

/** Maps framework errors onto problems with stable codes. Anything unexpected is a 500 and is logged. */
export const toProblem = (error: FastifyError & { validation?: AjvError[] }): ProblemError => {
  if (error instanceof ProblemError) return error;
  if (error.validation) {
    const errors = fieldErrors(error.validationContext ?? 'body', error.validation);
    return new ProblemError(400, 'validation_failed', 'The request is invalid', {
      detail: errors.map((field) => `${field.path} ${field.message}`).join('; '),
      errors,
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProblemError(413, 'payload_too_large', 'Request body too large', { detail: error.message });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError(415, 'unsupported_media_type', 'Unsupported media type', {
        detail: 'Send the request body as application/json.',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ProblemError(400, 'malformed_body', 'Malformed request body', { detail: error.message });
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new ProblemError(400, 'malformed_body', 'Malformed request body', { detail: error.message });
  }
  if (isDependencyOutage(error)) {
    return new ProblemError(503, 'dependency_unavailable', 'Service temporarily unavailable', {
      detail: 'A backing service did not answer. Retry shortly.',
      headers: { 'retry-after': '5' },
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new ProblemError(status, (error.code ?? 'bad_request').toLowerCase(), error.message);
  }
  return new ProblemError(500, 'internal_error', 'Internal server error', {
    detail: 'The server failed to handle the request. Quote the requestId when reporting this.',
  });
};

/**
 * Installs problem+json rendering for thrown errors, unknown routes (404) and known routes called
 * with the wrong method (405 with `Allow`).
 */
export function installProblemHandling(app: FastifyInstance): void {
  // Fastify answers a wrong method with 404; a second router over the same routes tells which methods exist.
  const knownRoutes = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (!knownRoutes.hasRoute(method as HTTPMethod, route.url)) knownRoutes.on(method as HTTPMethod, route.url, noop);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, problem.message);
    return sendProblem(request, reply, problem);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
      (method) => knownRoutes.find(method, path) !== null,
    );
    if (allowed.length > 0) {
      return sendProblem(
        request,
        reply,
        new ProblemError(405, 'method_not_allowed', 'Method not allowed', {
          detail: `${request.method} is not supported on ${path}; use ${allowed.join(', ')}.`,
          headers: { allow: allowed.join(', ') },
        }),
      );
    }
    return sendProblem(
      request,
      reply,
      new ProblemError(404, 'route_not_found', 'Route not found', {
        detail: `No route ${request.method} ${path}. The API is described at /docs.`,
      }),
    );
  });
}
