import { arnValue, compileArnPattern } from '../arn.ts';
import { charge } from '../budget.ts';
import type { RequestContext } from '../context.ts';
import { compileGlob } from '../wildcard.ts';
import { parseTemplate, resolveGlob, resolveText } from '../variables.ts';
import type { Template } from '../variables.ts';
import { cidrContains, parseCidr, parseIp } from './ip.ts';
import { NEGATED, parseOperator, TYPED_OPERATORS } from './operator-name.ts';
import type { BaseOperator, ParsedOperator } from './operator-name.ts';
import { decodeBase64, parseDate, parseNumber } from './values.ts';

/** A condition value the operator cannot read (a bad date, number, CIDR or base64 text). */
export class ConditionFault extends Error {}

/** Tests one context value against the policy values of a condition (any value may match). */
type ValueTest = (value: string) => boolean;

/**
 * A condition's value test, made per request since it may need the request (policy variables)
 * or must fault only once the key is present (unreadable policy values); `fixed` when it needs
 * neither, so a decision calls it directly.
 */
interface Prepared {
  fixed: ValueTest | null;
  perRequest: (ctx: RequestContext) => ValueTest;
  /** Set for operators that compare typed values: the request's values are read once per decision. */
  typed?: Typed<unknown>;
  /** The policy's values cannot be read: the condition faults whenever its key is present. */
  faulty?: true;
}

/** A comparison on a typed reading of the request's values (number, date, IP). */
interface Typed<T> {
  /** Which reading: values read by one parse function are shared by every condition using it. */
  kind: number;
  parse: (s: string) => T | null;
  test: (value: T) => boolean;
}

const NUMBER_KIND = 0;
const DATE_KIND = 1;
const IP_KIND = 2;
const readIp = (s: string) => parseIp(s.trim());

function typed<T>(t: Typed<T>, fallback: ValueTest): Prepared {
  return { fixed: fallback, perRequest: () => fallback, typed: t as Typed<unknown> };
}

const fixed = (test: ValueTest): Prepared => ({ fixed: test, perRequest: () => test });
const perRequest = (make: (ctx: RequestContext) => ValueTest): Prepared => ({
  fixed: null,
  perRequest: make,
});

/** A value the operator cannot read faults the statement, but only when the key is present. */
const fault = (message: string): Prepared => ({
  ...perRequest(() => {
    throw new ConditionFault(message);
  }),
  faulty: true,
});

export interface CompiledCondition {
  operator: string;
  key: string;
  lower: string;
  /** The key's id in the policy set's KeyRegistry. */
  keyId: number;
  /**
   * Where a decision remembers this condition's answer. A condition is a pure function of the
   * request, so statements repeating the same operator, key and values share one answer per
   * decision (set by ConditionRegistry; -1 until then).
   */
  slot: number;
  /**
   * Evaluation order inside a statement (conditions AND together, so any order gives the same
   * answer): conditions that may fault first, so a statement whose policy values cannot be read
   * is always reported, then the cheapest tests (Bool, Null, exact strings), then typed
   * comparisons, then patterns and variables.
   */
  cost: number;
  test(ctx: RequestContext): boolean;
}

const CHEAP: ReadonlySet<string> = new Set([
  'Bool',
  'Null',
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
]);
const TYPED: ReadonlySet<string> = new Set(TYPED_OPERATORS);

function costOf(base: string, prepared: Prepared | null): number {
  if (prepared?.faulty) return 0;
  const variables = prepared !== null && prepared.fixed === null;
  if (CHEAP.has(base) && !variables) return 1;
  if (TYPED.has(base)) return 2;
  return 3;
}

/**
 * One operator/key pair of a Condition block as a closure. Values of one key OR together;
 * negated operators require that no value matches; a missing key is false except for negated
 * operators, ...IfExists and ForAllValues (IAM User Guide: Condition operators; Creating a
 * condition with multiple keys or values; Multivalued context keys).
 */
export function compileCondition(
  operator: string,
  key: string,
  values: string[],
  variablesEnabled: boolean,
  keyId: number,
): CompiledCondition {
  const op = parseOperator(operator) as ParsedOperator;
  const lower = key.toLowerCase();
  if (op.base === 'Null') return nullCondition(operator, key, lower, values, keyId);
  const negated = NEGATED.has(op.base);
  const prepared = valueTest(op.base, values, variablesEnabled);
  const { fixed: constant, perRequest: prepare, typed: reading } = prepared;
  const cost = costOf(op.base, prepared);
  const forAll = op.set === 'ForAllValues';
  const forAny = op.set === 'ForAnyValue';
  const { ifExists } = op;
  // A key the request lacks: ...IfExists and ForAllValues hold, ForAnyValue fails, and a plain
  // operator holds only if negated (IAM User Guide: Condition operators; Multivalued context keys).
  const whenAbsent = ifExists || forAll ? true : forAny ? false : negated;
  // A set operator reads a key whose values "resolve to a null data set, such as an empty string"
  // as absent: ForAllValues holds, ForAnyValue fails (Creating a condition with multiple keys or
  // values > Using multiple keys and values).
  const setOperator = forAll || forAny;
  // Each context value may be compared with every policy value of the condition; a comparison (a
  // Set probe, a CIDR or number test, a call into a matcher) is about 8 units.
  const width = values.length * 8;
  if (reading !== undefined) {
    const { kind, parse, test: holds } = reading;
    return {
      operator,
      key,
      lower,
      keyId,
      slot: -1,
      cost,
      test(ctx) {
        if (setOperator && isNullSet(ctx.byId(keyId, lower))) return whenAbsent;
        const present = ctx.typedById(keyId, lower, kind, parse);
        if (present === undefined || present.length === 0) return whenAbsent;
        charge(present.length * width);
        // A value the operator cannot read matches nothing (as the text path: match(v) false).
        if (forAll) {
          for (const v of present) if ((v !== null && holds(v)) === negated) return false;
          return true;
        }
        if (forAny) {
          for (const v of present) if ((v !== null && holds(v)) !== negated) return true;
          return false;
        }
        for (const v of present) if (v !== null && holds(v)) return !negated;
        return negated;
      },
    };
  }
  return {
    operator,
    key,
    lower,
    keyId,
    slot: -1,
    cost,
    test(ctx) {
      const present = ctx.byId(keyId, lower);
      if (present === undefined || present.length === 0) return whenAbsent;
      if (setOperator && present.length === 1 && present[0] === '') return whenAbsent;
      let units = present.length * width;
      for (const v of present) units += v.length >> 4;
      charge(units);
      const match = constant ?? prepare(ctx);
      if (forAll) {
        for (const v of present) if (match(v) === negated) return false;
        return true;
      }
      if (forAny) {
        for (const v of present) if (match(v) !== negated) return true;
        return false;
      }
      for (const v of present) if (match(v)) return !negated;
      return negated;
    },
  };
}

/** No values, or only the empty string: a null value (Null) or data set (ForAllValues, ForAnyValue). */
function isNullSet(values: string[] | undefined): boolean {
  return values === undefined || values.length === 0 || (values.length === 1 && values[0] === '');
}

/**
 * `Null: {key: "true"}` holds when the key is absent; `"false"` when it is present with a value.
 * An empty string in the request "is null" (Condition element > The request context: "it is
 * possible to include an empty string. In this case, the value in the request context is null").
 */
function nullCondition(
  operator: string,
  key: string,
  lower: string,
  values: string[],
  keyId: number,
): CompiledCondition {
  const wantAbsent = values.map((v) => v.toLowerCase() === 'true');
  return {
    operator,
    key,
    lower,
    keyId,
    slot: -1,
    cost: costOf('Null', null),
    test(ctx) {
      const absent = isNullSet(ctx.byId(keyId, lower));
      return wantAbsent.some((w) => w === absent);
    },
  };
}

function valueTest(base: BaseOperator, values: string[], variablesEnabled: boolean): Prepared {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return stringTest(values, variablesEnabled, false);
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return stringTest(values, variablesEnabled, true);
    case 'StringLike':
    case 'StringNotLike':
      return likeTest(values, variablesEnabled);
    case 'NumericEquals':
    case 'NumericNotEquals':
      return ordered(values, NUMBER_KIND, parseNumber, (a, b) => a === b);
    case 'NumericLessThan':
      return ordered(values, NUMBER_KIND, parseNumber, (a, b) => a < b);
    case 'NumericLessThanEquals':
      return ordered(values, NUMBER_KIND, parseNumber, (a, b) => a <= b);
    case 'NumericGreaterThan':
      return ordered(values, NUMBER_KIND, parseNumber, (a, b) => a > b);
    case 'NumericGreaterThanEquals':
      return ordered(values, NUMBER_KIND, parseNumber, (a, b) => a >= b);
    case 'DateEquals':
    case 'DateNotEquals':
      return ordered(values, DATE_KIND, parseDate, (a, b) => a === b);
    case 'DateLessThan':
      return ordered(values, DATE_KIND, parseDate, (a, b) => a < b);
    case 'DateLessThanEquals':
      return ordered(values, DATE_KIND, parseDate, (a, b) => a <= b);
    case 'DateGreaterThan':
      return ordered(values, DATE_KIND, parseDate, (a, b) => a > b);
    case 'DateGreaterThanEquals':
      return ordered(values, DATE_KIND, parseDate, (a, b) => a >= b);
    case 'Bool': {
      const want = new Set(values.map((v) => v.toLowerCase()));
      return fixed((v) => want.has(v.toLowerCase()));
    }
    case 'BinaryEquals': {
      const want = values.map(decodeBase64);
      if (want.includes(null)) return fault('BinaryEquals value is not base64');
      return fixed((v) => {
        const got = decodeBase64(v);
        return got !== null && want.includes(got);
      });
    }
    case 'IpAddress':
    case 'NotIpAddress': {
      const cidrs = values.map(parseCidr);
      const bad = cidrs.indexOf(null);
      if (bad !== -1) return fault(`${values[bad]} is not an IP address or CIDR`);
      const inAny = (ip: Uint8Array) => {
        for (const c of cidrs) if (c !== null && cidrContains(c, ip)) return true;
        return false;
      };
      return typed({ kind: IP_KIND, parse: readIp, test: inAny }, (v) => {
        const ip = readIp(v);
        return ip !== null && inAny(ip);
      });
    }
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike': {
      // ArnEquals and ArnLike both match per ARN component with wildcards (ARN condition operators).
      const matchers = values.map((v) => compileArnPattern(v, variablesEnabled));
      return perRequest((ctx) => (v) => {
        const value = arnValue(v);
        for (const m of matchers) if (m(value, ctx)) return true;
        return false;
      });
    }
    case 'Null':
      return fixed(() => false);
  }
}

function stringTest(values: string[], variablesEnabled: boolean, ignoreCase: boolean): Prepared {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const templates = values.map((v) => parseTemplate(v, variablesEnabled));
  if (!templates.some((t) => t.hasVars)) {
    if (values.length === 1) {
      const only = fold(values[0]);
      return fixed(ignoreCase ? (v) => v.toLowerCase() === only : (v) => v === only);
    }
    const set = new Set(values.map(fold));
    return fixed((v) => set.has(fold(v)));
  }
  return perRequest((ctx) => {
    // A variable without a value makes its entry match nothing (Policy variables: "no value").
    const resolved = new Set<string>();
    for (const t of templates) {
      const r = resolveText(t, ctx);
      if (r !== null) resolved.add(fold(r));
    }
    return (v) => resolved.has(fold(v));
  });
}

function likeTest(values: string[], variablesEnabled: boolean): Prepared {
  const templates: Template[] = values.map((v) => parseTemplate(v, variablesEnabled));
  if (!templates.some((t) => t.hasVars)) {
    const globs = values.map(compileGlob);
    return fixed(
      globs.length === 1
        ? globs[0]
        : (v) => {
            for (const g of globs) if (g(v)) return true;
            return false;
          },
    );
  }
  return perRequest((ctx) => {
    const globs: Array<(s: string) => boolean> = [];
    for (const t of templates) {
      const g = resolveGlob(t, ctx);
      if (g !== null) globs.push(g);
    }
    return (v) => {
      for (const g of globs) if (g(v)) return true;
      return false;
    };
  });
}

/** Numeric and date operators: the policy value must parse (else the statement faults). */
function ordered(
  values: string[],
  kind: number,
  parse: (s: string) => number | null,
  cmp: (request: number, policy: number) => boolean,
): Prepared {
  const parsed = values.map(parse);
  const bad = parsed.indexOf(null);
  if (bad !== -1) {
    return fault(`${JSON.stringify(values[bad])} is not a valid value for this operator`);
  }
  const nums = parsed as number[];
  const matchesOne =
    nums.length === 1
      ? (n: number) => cmp(n, nums[0])
      : (n: number) => {
          for (const p of nums) if (cmp(n, p)) return true;
          return false;
        };
  return typed({ kind, parse, test: matchesOne }, (v) => {
    const n = parse(v);
    return n !== null && matchesOne(n);
  });
}
