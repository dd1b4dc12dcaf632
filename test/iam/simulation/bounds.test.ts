import { describe, expect, it } from 'vitest';
import { PAGE_CHARS } from '../../../src/iam/simulation/operations.ts';
import { doc, fails, ok, xmlText } from '../helpers.ts';

/**
 * SimulateCustomPolicy decides every action x resource pair of a page with one matching budget
 * (src/policy/budget.ts): asking about more actions does not multiply the work a call may cause.
 */
describe('IAM simulation work is bounded per call', () => {
  const patterns = Array.from({ length: 1100 }, (_, i) => `*?${i}a`);
  const policy = doc([
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringLike: { 's3:prefix': patterns } },
    },
  ]);
  const context = {
    'ContextEntries.member.1.ContextKeyName': 's3:prefix',
    'ContextEntries.member.1.ContextKeyType': 'stringList',
    ...Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        `ContextEntries.member.1.ContextKeyValues.member.${i + 1}`,
        'b'.repeat(4000),
      ]),
    ),
  };
  const actions = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [`ActionNames.member.${i + 1}`, `s3:Action${i}`]),
  );

  it('30 actions against patterns x long values: InvalidInput once the budget is spent', async () => {
    const a = await fails(
      {
        Action: 'SimulateCustomPolicy',
        'PolicyInputList.member.1': policy,
        ...actions,
        ...context,
      },
      400,
      'InvalidInput',
    );
    expect(a.message).toContain('units of matching work');
  });

  it('the same policy with a short context is simulated as usual', async () => {
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': policy,
      ...actions,
      'ContextEntries.member.1.ContextKeyName': 's3:prefix',
      'ContextEntries.member.1.ContextKeyType': 'string',
      'ContextEntries.member.1.ContextKeyValues.member.1': 'x7a',
    });
    expect(xmlText(body, 'EvalDecision')).toBe('allowed');
  });
});

/**
 * Every result lists each statement that decided it, so a page's answer grows with policies x
 * pairs: ten policies of 150 statements that all apply, against 1000 pairs, answered 292 MB. A page
 * ends once it holds about PAGE_CHARS (IAM "might return fewer than the MaxItems number of results
 * even when there are more results available"), and the Marker resumes after its last result.
 */
describe('IAM simulation answers are bounded per page', () => {
  const policy = doc(
    Array.from({ length: 150 }, () => ({ Effect: 'Allow', Action: '*', Resource: '*' })),
  );
  const request = {
    Action: 'SimulateCustomPolicy',
    MaxItems: '1000',
    ...Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`PolicyInputList.member.${i + 1}`, policy]),
    ),
    ...Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`ActionNames.member.${i + 1}`, `s3:Get${i}`]),
    ),
    ...Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`ResourceArns.member.${i + 1}`, `arn:aws:s3:::b/${i}`]),
    ),
  };

  it('a page of 1000 results of 1500 matched statements each ends early, and resumes', async () => {
    const first = await ok(request);
    expect(first.length).toBeLessThan(PAGE_CHARS + 500_000);
    expect(xmlText(first, 'IsTruncated')).toBe('true');
    const results = (first.match(/<EvalActionName>/g) ?? []).length;
    expect(results).toBeGreaterThan(0);
    expect(results).toBeLessThan(1000);
    const next = await ok({ ...request, Marker: xmlText(first, 'Marker')! });
    // The next page starts at the result after the last one given (10 resources per action).
    const firstOfNext = xmlText(next, 'EvalActionName');
    expect(firstOfNext).toBe(`s3:Get${Math.floor(results / 10)}`);
    expect(xmlText(next, 'EvalResourceName')).toBe(`arn:aws:s3:::b/${results % 10}`);
  });
});
