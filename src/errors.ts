/**
 * The service's typed errors. Every failure that reaches a client is one of these; the HTTP pipeline turns
 * them into Graph's error envelope (see `http/responses.ts`). Anything else that is thrown is a bug and is
 * answered 500 `generalException` without detail.
 */

/** One entry of Graph's `error.details`: which property or option was wrong, and why. */
export interface ErrorDetail {
  readonly code: string;
  readonly target: string;
  readonly message: string;
}

export class ServiceError extends Error {
  readonly details: readonly ErrorDetail[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { details?: readonly ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export class BadRequestError extends ServiceError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super(400, 'BadRequest', message, { details });
  }
}

export class UnauthenticatedError extends ServiceError {
  constructor(message: string, challenge: string) {
    super(401, 'InvalidAuthenticationToken', message, { headers: { 'WWW-Authenticate': challenge } });
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message = 'Insufficient privileges to complete the operation.') {
    super(403, 'Authorization_RequestDenied', message);
  }
}

export class NotFoundError extends ServiceError {
  constructor(message: string, code: 'ResourceNotFound' | 'itemNotFound' = 'ResourceNotFound') {
    super(404, code, message);
  }
}

export class MethodNotAllowedError extends ServiceError {
  constructor(method: string, allowed: readonly string[]) {
    super(405, 'MethodNotAllowed', `The HTTP method '${method}' is not supported for this resource.`, {
      headers: { Allow: allowed.join(', ') },
    });
  }
}

export class ConflictError extends ServiceError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class PreconditionFailedError extends ServiceError {
  constructor(message = 'The entity has changed since it was read: the If-Match precondition failed.') {
    super(412, 'PreconditionFailed', message);
  }
}

export class PayloadTooLargeError extends ServiceError {
  constructor(limit: number, message = `The request body exceeds the limit of ${limit} bytes.`) {
    super(413, 'RequestEntityTooLarge', message);
  }
}

export class UnsupportedMediaTypeError extends ServiceError {
  constructor(mediaTypes: readonly string[] = ['application/json']) {
    super(
      415,
      'UnsupportedMediaType',
      `The request body must be sent with ${mediaTypes.map((type) => `'Content-Type: ${type}'`).join(' or ')}.`,
    );
  }
}

export class TooManyRequestsError extends ServiceError {
  /** How long the database asked to wait, in milliseconds (`Retry-After` rounds it up to seconds). */
  readonly retryAfterMs: number;

  constructor(retryAfterSeconds: number, retryAfterMs = retryAfterSeconds * 1000) {
    super(429, 'TooManyRequests', 'Too many requests: the database is throttling. Retry later.', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
    this.retryAfterMs = retryAfterMs;
  }
}

export class ServiceUnavailableError extends ServiceError {
  constructor(retryAfterSeconds: number, cause?: unknown) {
    super(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Retry later.', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause,
    });
  }
}

/** Turns any thrown value into an `Error`, so that logging never has to guess at its shape. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return new Error(`A value that is not an Error was thrown: ${text}`);
}
