import { describe, expect, it } from 'vitest';
import {
  compile,
  PolicyError,
  simulate,
  WORK_LIMIT,
  WorkBudget,
} from '../../../src/policy/index.ts';
import { workloads } from '../../bench/workloads.ts';
import { BODY_LIMIT, hostileShapes } from '../../policy/hostile-shapes.ts';

/**
 * No request body of any shape costs the evaluator more than 50 ms (docs/security.md): the
 * request's matching work is bounded by a budget (src/policy/budget.ts), so the most expensive
 * bodies the size limit allows are refused with LimitExceeded once they have spent it. The
 * budget is tuned to ~5 ms of matching on the reference machine; 50 ms is the margin for a loaded
 * one. Each shape runs a few times and the fastest run's CPU time counts (not wall time, which a
 * shared machine inflates).
 */
const BOUND_MS = 50;

function cost(body: unknown): { ms: number; outcome: string } {
  const text = JSON.stringify(body);
  let best = Infinity;
  let outcome = '';
  for (let i = 0; i < 3; i++) {
    const input = JSON.parse(text) as Parameters<typeof simulate>[0];
    const start = process.cpuUsage();
    try {
      outcome = simulate(input).decision;
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      outcome = e.code;
    }
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return { ms: best, outcome };
}

describe('evaluator CPU per request is bounded', () => {
  it.each(hostileShapes().map((s) => [s.name, s] as const))(
    '%s: within the body limit and under 50 ms',
    (_name, shape) => {
      expect(JSON.stringify(shape.body).length).toBeLessThanOrEqual(BODY_LIMIT);
      const { ms, outcome } = cost(shape.body);
      expect(ms, `${shape.name}: ${ms.toFixed(1)} ms (${outcome})`).toBeLessThan(BOUND_MS);
    },
  );

  it('a refused request says why, with the LimitExceeded code', () => {
    const shape = hostileShapes()[0]!;
    let error: unknown;
    try {
      simulate(shape.body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('LimitExceeded');
    expect((error as PolicyError).message).toContain(String(WORK_LIMIT));
  });

  it('real policy sets use a tiny part of the budget', () => {
    for (const w of workloads) {
      const compiled = compile(w.policies);
      for (const request of w.requests) {
        const budget = new WorkBudget();
        compiled.decide(request, { budget });
        expect(budget.used, w.name).toBeLessThan(WORK_LIMIT / 100);
      }
    }
  });

  it('one budget spans several decisions, so a request cannot multiply its allowance', () => {
    const w = workloads[0]!;
    const compiled = compile(w.policies);
    const budget = new WorkBudget(1000);
    let decisions = 0;
    expect(() => {
      for (;;) {
        compiled.decide(w.requests[0]!, { budget });
        decisions++;
      }
    }).toThrow(PolicyError);
    expect(decisions).toBeGreaterThan(0);
    expect(budget.used).toBe(1000);
  });
});
