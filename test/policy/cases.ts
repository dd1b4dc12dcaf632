import { expect } from 'vitest';
import type { Decision, DecisionRequest, PolicySet } from '../../src/policy/index.ts';

/** One table-driven case (test/cases/policy/*.json), named by the rule it checks. */
export interface PolicyCase {
  name: string;
  doc: string;
  input: { request: DecisionRequest; policies: PolicySet };
  expect: {
    decision?: Decision['decision'];
    matched?: Array<{ policy: string; statement: number }>;
    missingContextKeys?: string[];
    error?: string;
    policy?: string;
  };
}

export interface CaseFile {
  area: string;
  cases: PolicyCase[];
}

// Read as text and parsed with JSON.parse, as POST /v1/simulate parses a body: a JSON module
// would be an object literal, where a "__proto__" key sets the prototype instead of a property.
const texts = import.meta.glob<string>('../cases/policy/*.json', {
  eager: true,
  query: '?raw',
  import: 'default',
});
const files: Record<string, CaseFile> = Object.fromEntries(
  Object.entries(texts).map(([path, text]) => [path, JSON.parse(text) as CaseFile]),
);

/** Every case of every file, as [file/area: name, case] rows for it.each. */
export function allCases(): Array<[string, PolicyCase]> {
  const rows: Array<[string, PolicyCase]> = [];
  for (const [path, file] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    for (const c of file.cases) rows.push([`${base} (${file.area}): ${c.name}`, c]);
  }
  return rows;
}

const pairKey = (m: { policy: string; statement: number }) => `${m.policy}#${m.statement}`;

/** Compares a decision with a case's expectation: matched as a set, keys case-insensitively. */
export function expectDecision(c: PolicyCase, got: Decision): void {
  const want = c.expect;
  expect(want.error, `expected error ${want.error}, got decision ${got.decision}`).toBeUndefined();
  expect(got.decision).toBe(want.decision);
  if (want.matched !== undefined) {
    expect(new Set(got.matchedStatements.map(pairKey))).toEqual(new Set(want.matched.map(pairKey)));
  }
  if (want.missingContextKeys !== undefined) {
    const lower = (keys: string[]) => new Set(keys.map((k) => k.toLowerCase()));
    expect(lower(got.missingContextKeys)).toEqual(lower(want.missingContextKeys));
  }
}

/** Compares an error (code and, when given, which policy) with a case's expectation. */
export function expectError(c: PolicyCase, code: string, policy: string | undefined): void {
  expect(c.expect.error, `unexpected error ${code}`).toBe(code);
  if (c.expect.policy !== undefined) expect(policy).toBe(c.expect.policy);
}
