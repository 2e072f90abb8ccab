/**
 * The one error the pure rebalance code throws on purpose: bad input the
 * operator can fix. `field` names the request field at fault, so a route
 * handler turns it into a 400 naming that field (ApiError 'bad_request').
 */
export class PlanInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlanInputError';
  }
}
