import { compile, type DecideOptions } from './compile.ts';
import type { Decision, DecisionRequest, PolicySet } from './types.ts';

/** One-shot evaluation; throws PolicyError for what POST /v1/simulate answers 400. */
export function simulate(
  input: { request: DecisionRequest; policies: PolicySet },
  options?: DecideOptions,
): Decision {
  return compile(input.policies).decide(input.request, options);
}
