import { arnValue, compileArnPattern } from '../arn.ts';
import { charge } from '../budget.ts';
import type { RequestContext } from '../context.ts';
import { compileGlob } from '../wildcard.ts';
import { parseTemplate, resolveGlob, resolveText } from '../variables.ts';
import type { Template } from '../variables.ts';
import { cidrContains, parseCidr, parseIp } from './ip.ts';
import { NEGATED, parseOperator } from './operator-name.ts';
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
}

const fixed = (test: ValueTest): Prepared => ({ fixed: test, perRequest: () => test });
const perRequest = (make: (ctx: RequestContext) => ValueTest): Prepared => ({
  fixed: null,
  perRequest: make,
});

/** A value the operator cannot read faults the statement, but only when the key is present. */
const fault = (message: string): Prepared =>
  perRequest(() => {
    throw new ConditionFault(message);
  });

export interface CompiledCondition {
  operator: string;
  key: string;
  lower: string;
  /** The key's id in the policy set's KeyRegistry. */
  keyId: number;
  test(ctx: RequestContext): boolean;
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
  const { fixed: constant, perRequest: prepare } = valueTest(op.base, values, variablesEnabled);
  const forAll = op.set === 'ForAllValues';
  const forAny = op.set === 'ForAnyValue';
  const { ifExists } = op;
  // Each context value may be compared with every policy value of the condition.
  const width = values.length;
  return {
    operator,
    key,
    lower,
    keyId,
    test(ctx) {
      const present = ctx.byId(keyId, lower);
      if (present === undefined || present.length === 0) {
        if (ifExists || forAll) return true;
        if (forAny) return false;
        return negated;
      }
      // A comparison (a Set probe, a CIDR or number test, a call into a matcher) is ~8 units.
      let units = present.length * width * 8;
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

/** `Null: {key: "true"}` holds when the key is absent; `"false"` when it is present. */
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
    test(ctx) {
      const v = ctx.byId(keyId, lower);
      const absent = v === undefined || v.length === 0;
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
      return ordered(values, parseNumber, (a, b) => a === b);
    case 'NumericLessThan':
      return ordered(values, parseNumber, (a, b) => a < b);
    case 'NumericLessThanEquals':
      return ordered(values, parseNumber, (a, b) => a <= b);
    case 'NumericGreaterThan':
      return ordered(values, parseNumber, (a, b) => a > b);
    case 'NumericGreaterThanEquals':
      return ordered(values, parseNumber, (a, b) => a >= b);
    case 'DateEquals':
    case 'DateNotEquals':
      return ordered(values, parseDate, (a, b) => a === b);
    case 'DateLessThan':
      return ordered(values, parseDate, (a, b) => a < b);
    case 'DateLessThanEquals':
      return ordered(values, parseDate, (a, b) => a <= b);
    case 'DateGreaterThan':
      return ordered(values, parseDate, (a, b) => a > b);
    case 'DateGreaterThanEquals':
      return ordered(values, parseDate, (a, b) => a >= b);
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
      return fixed((v) => {
        const ip = parseIp(v.trim());
        if (ip === null) return false;
        for (const c of cidrs) if (c !== null && cidrContains(c, ip)) return true;
        return false;
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
  parse: (s: string) => number | null,
  cmp: (request: number, policy: number) => boolean,
): Prepared {
  const parsed = values.map(parse);
  const bad = parsed.indexOf(null);
  if (bad !== -1) {
    return fault(`${JSON.stringify(values[bad])} is not a valid value for this operator`);
  }
  const nums = parsed as number[];
  return fixed((v) => {
    const n = parse(v);
    if (n === null) return false;
    for (const p of nums) if (cmp(n, p)) return true;
    return false;
  });
}
