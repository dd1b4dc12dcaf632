import { PolicyError } from './errors.ts';

/**
 * Work units one request may spend on matching. A unit is about one character comparison or one
 * word of the bit-parallel matcher; the number is calibrated (test/bench/hostile.ts) so that the
 * most expensive request shapes the body limits allow stop well inside 50 ms of evaluator CPU,
 * while real requests use a few thousand units (docs/security.md).
 */
export const WORK_LIMIT = 4_000_000;

/**
 * The matching work a request may still do. One budget spans everything a request asks for: the
 * decisions of an IAM SimulateCustomPolicy / SimulatePrincipalPolicy call (actions x resources) or
 * of an AuthZEN batch share one, so multiplying decisions does not multiply the bound.
 */
export class WorkBudget {
  readonly limit: number;
  private left: number;

  constructor(limit = WORK_LIMIT) {
    this.limit = limit;
    this.left = limit;
  }

  get used(): number {
    return this.limit - this.left;
  }

  spend(units: number): void {
    this.left -= units;
    if (this.left < 0) {
      this.left = 0;
      throw new PolicyError(
        'LimitExceeded',
        `The request needs more than ${this.limit} units of matching work, the most one request ` +
          'may use: fewer or shorter wildcard patterns, context values or resources would fit.',
      );
    }
  }
}

/**
 * The budget of the decision running now. decide() runs to completion without yielding, so the
 * matchers, which are compiled once and shared, charge the request that calls them through this
 * one slot instead of carrying it in every signature.
 */
let active: WorkBudget | null = null;

/** Charges the running decision; work outside any decision (compilation, tests) is free. */
export function charge(units: number): void {
  if (active !== null) active.spend(units);
}

/** Runs `fn` with `budget` as the running decision's budget. */
export function metered<T>(budget: WorkBudget, fn: () => T): T {
  const outer = active;
  active = budget;
  try {
    return fn();
  } finally {
    active = outer;
  }
}
