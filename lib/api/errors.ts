/**
 * The one error type route handlers throw on purpose. `toErrorResponse` (in
 * handler.ts) is the only place errors become HTTP responses; anything that is
 * not an ApiError becomes a generic 500 without driver text or stack.
 */
export const API_ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /**
   * The work ran into its time limit on a node (a statement timeout). A 4xx:
   * the same request would time out again, so clients must not retry it (and
   * 408 would invite browsers to resend a POST on their own).
   */
  timeout: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** The request field at fault, for 400s: the operator sees which input to fix. */
    field?: string;
  };
}

export class ApiError extends Error {
  readonly status: number;
  /** For 429 and 503: seconds the client should wait, sent as Retry-After. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERROR_STATUS[code];
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}
