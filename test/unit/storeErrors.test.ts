import { ErrorResponse } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../../src/errors';
import { toServiceError } from '../../src/store/entityStore';

function cosmosError(code: number | string, retryAfterInMs?: number): ErrorResponse {
  const error = new ErrorResponse(`cosmos ${code}`);
  error.code = code;
  if (retryAfterInMs !== undefined) error.retryAfterInMs = retryAfterInMs;
  return error;
}

describe('store errors become service errors', () => {
  it('maps throttling that outlasted the client retries to 429 with Retry-After (seconds, rounded up)', () => {
    const mapped = toServiceError(cosmosError(429, 2300));
    expect(mapped).toBeInstanceOf(TooManyRequestsError);
    expect((mapped as TooManyRequestsError).headers['Retry-After']).toBe('3');
  });

  it('maps an unreachable or unavailable database to 503 with Retry-After', () => {
    for (const code of [503, 408, 'ECONNREFUSED', 'ENOTFOUND']) {
      const mapped = toServiceError(cosmosError(code));
      expect(mapped).toBeInstanceOf(ServiceUnavailableError);
      expect((mapped as ServiceUnavailableError).headers['Retry-After']).toBe('5');
    }
  });

  it('maps races on point writes to 412, 404 and 409', () => {
    expect(toServiceError(cosmosError(412))).toBeInstanceOf(PreconditionFailedError);
    expect(toServiceError(cosmosError(404))).toBeInstanceOf(NotFoundError);
    expect(toServiceError(cosmosError(409))).toBeInstanceOf(ConflictError);
  });

  it('leaves anything else a fault (500)', () => {
    const error = cosmosError(500);
    expect(toServiceError(error)).toBe(error);
    const bug = new TypeError('x is undefined');
    expect(toServiceError(bug)).toBe(bug);
  });
});
