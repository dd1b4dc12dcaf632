import type { Env } from '../env.ts';
import {
  PolicyError,
  WorkBudget,
  type Decision,
  type DecisionTrace,
  type MatchedStatement,
} from '../policy/index.ts';
import { AwsError } from '../protocol/errors.ts';
import type { IamStore } from '../store/types.ts';
import { decisionContext } from './context.ts';
import { mayAsk, type Pep } from './pep.ts';
import { compiledFor, loadPolicies, type CompileMemo, type LoadedPolicies } from './policy-sets.ts';
import type { EvaluationsRequest, Item, Subject } from './request.ts';
import { namedAccount, resolveSubject, type Resolution } from './subject.ts';

/**
 * Most characters of traces one request answers (about as many bytes of JSON). A trace echoes every
 * statement's values and, for each condition, the request's values for its key: one item of a
 * 200 KB request (a 200 KB context key compared by 50 statements) made a 10 MB trace, and 500 items
 * sharing it 500 times that. Past the budget an item's trace is left out (`traceOmitted`), and
 * once it is spent no more traces are made.
 */
export const TRACE_CHARS = 1_000_000;
/**
 * Most characters of `matchedStatements`, `missingContextKeys` and `statementErrors` one request
 * answers: 500 items of a 20 KB resource policy of 300 statements that all apply answered 8 MB of
 * matched statements. Past it, an item's details are left out (`detailsOmitted`); its decision,
 * reason and explanation never are.
 */
export const DETAIL_CHARS = 2_000_000;

/**
 * Characters `value` takes as JSON (strings counted by length, without escapes), or Infinity as
 * soon as that passes `limit`: a walk of its nodes (values shared by reference are walked where
 * they appear), never a serialization.
 */
export function jsonChars(value: unknown, limit: number): number {
  let total = 0;
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') total += v.length + 2;
    else if (Array.isArray(v)) {
      total += 2 + v.length;
      for (const x of v) if (!walk(x)) return false;
    } else if (v !== null && typeof v === 'object') {
      total += 2;
      for (const [k, x] of Object.entries(v)) {
        total += k.length + 4;
        if (!walk(x)) return false;
      }
    } else total += 8;
    return total <= limit;
  };
  return walk(value) ? total : Infinity;
}

/** Most distinct subjects in one request: each costs storage reads and an authorization. */
export const MAX_SUBJECTS = 25;

export interface AnswerContext {
  /** The IAM verdict, in AWS's words. */
  reason?: Decision['decision'];
  /** Why, in one sentence. */
  explanation?: string;
  matchedStatements?: Array<MatchedStatement & { source?: string }>;
  missingContextKeys?: string[];
  /** Statements that could not be evaluated (they neither allow nor deny). */
  statementErrors?: Decision['errors'];
  /** The evaluator's trace, when `options.trace` is true (src/policy/trace.ts). */
  trace?: DecisionTrace;
  /** Why a trace that was asked for is not given: the request's traces outgrew TRACE_CHARS. */
  traceOmitted?: string;
  /** Why matchedStatements and missingContextKeys are not given: the request's outgrew DETAIL_CHARS. */
  detailsOmitted?: string;
  /** Why this evaluation could not be made; its decision is false. */
  error?: { status: number; message: string };
}

/** An AuthZEN Decision. */
export interface Answer {
  decision: boolean;
  context: AnswerContext;
}

const failed = (status: number, message: string): Answer => ({
  decision: false,
  context: { error: { status, message } },
});

/** An item the request got wrong (400), with the AWS-style code a single evaluation answers. */
interface Invalid {
  code: string;
  message: string;
}

interface Outcome {
  answer: Answer;
  refusal?: AwsError;
  invalid?: Invalid;
}

const invalid = (code: string, message: string): Outcome => ({
  answer: failed(400, message),
  invalid: { code, message },
});

interface Prepared {
  answer?: Answer;
  /** A whole-request refusal, for a single evaluation: HTTP 403. */
  refusal?: AwsError;
  loaded?: LoadedPolicies;
  resolution?: Resolution;
}

const subjectKey = (s: Subject) => `${s.type}\n${s.id}`;

/**
 * Resolves, authorizes and loads one subject: its stored principal, whether the PEP may ask about
 * it (refused before existence is revealed), and its policies with their versions.
 */
async function prepare(
  env: Env,
  store: IamStore,
  pep: Pep,
  subject: Subject,
  now: number,
): Promise<Prepared> {
  // A subject whose id names another account is refused before anything is read for it: the
  // answer is a refusal whether it exists or not, so no record of another account is read, and no
  // session shard of another account (a Durable Object) is woken, for a question that cannot be
  // asked.
  const named = namedAccount(subject);
  if (named !== undefined && named !== (pep.kind === 'bearer' ? pep.account : pep.caller.account)) {
    const refusal = await mayAsk(env, store, pep, {
      account: named,
      entityArn: `arn:aws:iam::${named}:root`,
    });
    if (refusal !== null) return { refusal, answer: failed(403, refusal.message) };
  }
  const resolution = await resolveSubject(env, store, subject, now);
  if (!resolution.ok) {
    const { error } = resolution;
    if (error.account !== undefined) {
      const refusal = await mayAsk(env, store, pep, {
        account: error.account,
        entityArn: error.entityArn ?? `arn:aws:iam::${error.account}:root`,
      });
      if (refusal !== null) return { refusal, answer: failed(403, refusal.message) };
    }
    return { answer: failed(error.status, error.message) };
  }
  const s = resolution.subject;
  const refusal = await mayAsk(env, store, pep, {
    account: s.account,
    entityArn: s.entityArn,
    subject: s,
  });
  if (refusal !== null) return { refusal, answer: failed(403, refusal.message) };
  return { resolution, loaded: await loadPolicies(store, s) };
}

/**
 * Answers every item of an AuthZEN request, in order. Subjects are resolved once per request
 * (in parallel); each decision is then a lookup of the compiled set (by entity versions) and a
 * match. `deny_on_first_deny` stops after the first false decision, `permit_on_first_permit`
 * after the first true one (the specification's "Evaluations semantics").
 */
export async function evaluateAll(
  env: Env,
  store: IamStore,
  pep: Pep,
  request: EvaluationsRequest,
  now: number,
): Promise<{ answers: Answer[]; refusal?: AwsError; invalid?: Invalid }> {
  const subjects = new Map<string, Promise<Prepared>>();
  for (const item of request.items) {
    if (!item.ok) continue;
    const key = subjectKey(item.subject);
    if (!subjects.has(key) && subjects.size < MAX_SUBJECTS) {
      subjects.set(key, prepare(env, store, pep, item.subject, now));
    }
  }
  const prepared = await Promise.all(subjects.values());
  const ready = new Map<string, Prepared>();
  let i = 0;
  for (const k of subjects.keys()) ready.set(k, prepared[i++]!);
  const answers: Answer[] = [];
  let refusal: AwsError | undefined;
  let bad: Invalid | undefined;
  // One matching budget for the whole batch: more items do not buy more evaluator work.
  const budget = new WorkBudget();
  // One compilation per subject and resource policy, whatever the number of items sharing them.
  const memo: CompileMemo = new Map();
  const room = { trace: request.trace ? TRACE_CHARS : 0, details: DETAIL_CHARS };
  for (const item of request.items) {
    const answer = answerOne(item, ready, { trace: request.trace, room, now, budget, memo });
    if (answer.refusal !== undefined) refusal ??= answer.refusal;
    if (answer.invalid !== undefined) bad ??= answer.invalid;
    answers.push(answer.answer);
    if (request.semantic === 'deny_on_first_deny' && !answer.answer.decision) break;
    if (request.semantic === 'permit_on_first_permit' && answer.answer.decision) break;
  }
  return { answers, refusal, invalid: bad };
}

function answerOne(
  item: Item,
  ready: Map<string, Prepared>,
  {
    trace,
    room,
    now,
    budget,
    memo,
  }: {
    trace: boolean;
    room: { trace: number; details: number };
    now: number;
    budget: WorkBudget;
    memo: CompileMemo;
  },
): Outcome {
  if (!item.ok) return invalid('InvalidRequest', item.message);
  const prepared = ready.get(subjectKey(item.subject));
  if (prepared === undefined) {
    return invalid(
      'InvalidRequest',
      `A request may name at most ${MAX_SUBJECTS} distinct subjects.`,
    );
  }
  if (prepared.answer !== undefined) {
    const out: Outcome = { answer: prepared.answer, refusal: prepared.refusal };
    if (prepared.answer.context.error?.status === 400) {
      out.invalid = { code: 'InvalidRequest', message: prepared.answer.context.error.message };
    }
    return out;
  }
  const loaded = prepared.loaded!;
  const subject = (prepared.resolution as Extract<Resolution, { ok: true }>).subject;
  let compiled;
  try {
    compiled = compiledFor(loaded, item.resource.policy, memo);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    if (e.policy === 'resource') {
      return invalid(e.code, `resource.properties.policy: ${e.message}`);
    }
    // A stored policy IAM would refuse today (written before a rule existed): nothing is decided.
    const where = (e.policy !== undefined && loaded.sources[e.policy]) || e.policy || 'a policy';
    return { answer: failed(500, `The stored policy ${where} is invalid: ${e.message}`) };
  }
  let d: Decision & { trace?: DecisionTrace };
  try {
    d = compiled.decide(
      {
        principal: subject.principal,
        action: item.action,
        resource: item.resource.id,
        resourceAccount: item.resource.account,
        context: decisionContext(subject, item.resource, item.context, now, item.subject.ipAddress),
      },
      { trace: trace && room.trace > 0, budget },
    );
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const field = e.policy === 'resource' ? 'resource.properties.policy: ' : '';
    return invalid(e.code, `${field}${e.message}`);
  }
  const context: AnswerContext = { reason: d.decision, explanation: d.reason };
  const details: AnswerContext = {
    matchedStatements: d.matchedStatements.map((m) => {
      const source = loaded.sources[m.policy];
      return source === undefined ? m : { ...m, source };
    }),
    missingContextKeys: d.missingContextKeys,
  };
  if (d.errors.length > 0) details.statementErrors = d.errors;
  const detailChars = jsonChars(details, room.details);
  if (detailChars <= room.details) {
    room.details -= detailChars;
    context.matchedStatements = details.matchedStatements;
    context.missingContextKeys = details.missingContextKeys;
    if (details.statementErrors !== undefined) context.statementErrors = details.statementErrors;
  } else {
    room.details = 0;
    context.detailsOmitted = `The matched statements of this request's answers would exceed ${DETAIL_CHARS} characters; ask for fewer items.`;
  }
  if (d.trace !== undefined) {
    const chars = jsonChars(d.trace, room.trace);
    if (chars <= room.trace) {
      room.trace -= chars;
      context.trace = d.trace;
    } else room.trace = 0;
  }
  if (trace && context.trace === undefined) {
    context.traceOmitted = `The traces of this request would exceed ${TRACE_CHARS} characters; ask for fewer items or a smaller context.`;
  }
  return { answer: { decision: d.decision === 'allowed', context } };
}
