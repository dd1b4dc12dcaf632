import { describe, expect, it } from 'vitest';
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
