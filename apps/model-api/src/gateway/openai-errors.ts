import { ProblemError } from '@one-data/service-kit';

/**
 * Errors on `/v1` are answered in the OpenAI shape (`{ error: { message, type, param, code } }`),
 * which OpenAI client libraries parse into their own exceptions.
 */
export const openAiError = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): ProblemError =>
  new ProblemError(status, code, message, { detail: message, headers, extensions: { openAiType: errorType(status) } });

export const errorType = (status: number): string => {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
};

export const openAiErrorBody = (problem: ProblemError) => ({
  error: {
    message: problem.detail ?? problem.message,
    type: errorType(problem.status),
    param: problem.errors?.[0]?.path.replace(/^\/body\//, '') ?? null,
    code: problem.code,
  },
});
