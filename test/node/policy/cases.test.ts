import { describe, it } from 'vitest';
import { PolicyError, simulate } from '../../../src/policy/index.ts';
import { allCases, expectDecision, expectError } from '../../policy/cases.ts';

// Every case file through the library in plain Node: the evaluator is portable.
describe('policy cases (node)', () => {
  it.each(allCases())('%s', (_name, c) => {
    let decision;
    try {
      decision = simulate(c.input);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      expectError(c, e.code, e.policy);
      return;
    }
    expectDecision(c, decision);
  });
});
