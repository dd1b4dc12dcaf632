import { groupsOf } from '../../caller/policies.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { PolicyError, validatePolicy, variableSpans } from '../../policy/index.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { UserRecord } from '../../store/types.ts';
import { parsePrincipalArn } from '../common/arns.ts';
import { authorizeIam } from '../common/authorize.ts';
import { checkDocumentText } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { resourceContext } from '../common/resource-context.ts';
import { IDENTITY, type IdentityRecord } from '../identities/record.ts';
import { authorizedIdentity, storedSources } from './operations.ts';

/**
 * GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy (IAM API Reference): the
 * context keys the policies refer to, so a caller knows what ContextEntries a simulation needs.
 * Statement by statement, the policy variables of Resource and NotResource (`${aws:username}`),
 * then each Condition key with the variables of its values, each key once (keys are
 * case-insensitive; the first spelling is kept), as the IAM User Guide's example answers
 * `aws:username` then `aws:CurrentTime`. Variables count only in policies of Version 2012-10-17,
 * the only version that has them; `${*}`, `${?}` and `${$}` are characters, not keys.
 */
function contextKeys(documents: string[]): string[] {
  const seen = new Map<string, string>();
  const add = (key: string) => {
    if (!seen.has(key.toLowerCase())) seen.set(key.toLowerCase(), key);
  };
  try {
    for (const text of documents) {
      const policy = validatePolicy(text, 'identity', { sizeLimit: Infinity });
      const variables = (values: string[] = []) => {
        if (policy.Version !== '2012-10-17') return;
        for (const value of values)
          for (const m of variableSpans(value)) {
            const key = m.inner.split(',')[0]!.trim();
            if (key !== '*' && key !== '?' && key !== '$' && key !== '') add(key);
          }
      };
      for (const statement of policy.Statement) {
        variables(statement.Resource);
        variables(statement.NotResource);
        for (const keys of Object.values(statement.Condition ?? {}))
          for (const [key, values] of Object.entries(keys)) {
            add(key);
            variables(values);
          }
      }
    }
  } catch (e) {
    // Both actions report an unusable policy as InvalidInput (IAM API Reference, Errors).
    if (e instanceof PolicyError) throw IamErrors.invalidInput(e.message);
    throw e;
  }
  return [...seen.values()];
}

function readInputs(ctx: OperationContext, v: Constraints, required: boolean): string[] {
  const inputs = ctx.params.list('PolicyInputList');
  if (required && inputs.length === 0)
    ctx.params.require('PolicyInputList.member.1', 'policyInputList');
  inputs.forEach((d, i) => checkDocumentText(v, `policyInputList.${i + 1}.member`, d));
  return inputs;
}

export async function getContextKeysForCustomPolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const inputs = readInputs(ctx, v, true);
  v.check();
  await authorizeIam(ctx, caller, 'iam:GetContextKeysForCustomPolicy', '*');
  return { ContextKeyNames: contextKeys(inputs) };
}

/**
 * The keys of a stored user's (and its groups'), group's or role's inline and attached policies,
 * then of the policies given; authorized on the entity's ARN.
 */
export async function getContextKeysForPrincipalPolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const sourceArn = ctx.params.require('PolicySourceArn');
  v.length('policySourceArn', sourceArn, 20, 2048);
  const inputs = readInputs(ctx, v, false);
  v.check();
  const { type, entity } = await authorizedIdentity(
    ctx,
    caller,
    'iam:GetContextKeysForPrincipalPolicy',
    sourceArn,
  );
  const sources = await storedSources(ctx.store, entity, type);
  if (type === 'user') {
    for (const group of await groupsOf(ctx.store, caller.account, entity as UserRecord))
      sources.push(...(await storedSources(ctx.store, group, 'group')));
  }
  return { ContextKeyNames: contextKeys([...sources.map((s) => s.text), ...inputs]) };
}
