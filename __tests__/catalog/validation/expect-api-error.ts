import { expect } from '@jest/globals';
import { ApiError, type ApiErrorCode } from '../../../catalog/errors.ts';

/** Runs `run`, expects it to throw an ApiError with `code` (and 422), and answers the message. */
export function apiErrorMessage(run: () => unknown, code: ApiErrorCode): string {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  const error = thrown as ApiError;
  expect(error.code).toBe(code);
  expect(error.status).toBe(422);
  return error.message;
}
