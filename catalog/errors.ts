import type { z } from 'zod';
import { formatIssuePath } from '../src/json/index.ts';

/** Error codes of the Port API contract (docs/port-api.md, "Error codes"). */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'run_exhausted'
  | 'run_already_acknowledged'
  | 'has_dependents'
  | 'missing_permissions'
  | 'not_found'
  | 'identifier_taken'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_request'
  | 'blueprint_schema_mismatch'
  | 'user_inputs_schema_invalid'
  | 'rate_limit_exceeded'
  | 'internal_error';

/** An error answered to the client as `{ok: false, error, message}` with `status`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
export const invalidRequest = (message: string): ApiError => new ApiError(422, 'invalid_request', message);
export const schemaMismatch = (message: string): ApiError => new ApiError(422, 'blueprint_schema_mismatch', message);

/** Parses `value` with a zod schema, or throws 422 invalid_request naming where it is wrong under `root`. */
export function parseOrInvalid<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalidRequest(`${formatIssuePath(root, issue.path)}: ${issue.message}`);
}
