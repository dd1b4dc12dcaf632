/**
 * rolecall's IAM policy evaluator: pure TypeScript, no I/O, no clock (time comes in the request
 * context as aws:CurrentTime / aws:EpochTime).
 */
export type {
  ContextValue,
  Decision,
  DecisionRequest,
  MatchedStatement,
  NormalizedPolicy,
  NormalizedStatement,
  PolicyInput,
  PolicyKind,
  PolicySet,
  StatementError,
} from './types.ts';
export { visitAwsPrincipals } from './aws-principals.ts';
export { PolicyError } from './errors.ts';
export { WORK_LIMIT, WorkBudget } from './budget.ts';
export type { PolicyErrorCode } from './errors.ts';
export { compile } from './compile.ts';
export type { CompiledPolicySet, DecideOptions } from './compile.ts';
export { simulate } from './simulate.ts';
export type { ConditionTrace, DecisionTrace, PolicyTrace, StatementTrace } from './trace.ts';
export { validatePolicy } from './validate.ts';
export { policySize } from './json.ts';
export { deriveContext } from './context.ts';
export { variableSpans } from './variables.ts';
export {
  MAX_CONTEXT_CHARS,
  MAX_CONTEXT_VALUES,
  parsePolicySet,
  parseRequest,
  parseSimulateInput,
} from './input.ts';
export { getName, nameRecord, setName } from './records.ts';
export type { NameRecord } from './records.ts';
