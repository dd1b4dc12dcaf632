import { groupsOf } from '../../caller/policies.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { PolicyError, validatePolicy, type NormalizedStatement } from '../../policy/index.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { managedPolicyDocument } from '../../store/managed.ts';
import type { UserRecord } from '../../store/types.ts';
import { parsePrincipalArn } from '../common/arns.ts';
import { authorizeIam } from '../common/authorize.ts';
import { IamErrors } from '../common/errors.ts';
import { readPaging } from '../common/paging.ts';
import { resourceContext } from '../common/resource-context.ts';
import { attachedPolicy } from '../identities/identity-policy-operations.ts';
import type { IdentityRecord } from '../identities/record.ts';
import { authorizedIdentity } from './operations.ts';

/**
 * ListPoliciesGrantingServiceAccess (IAM API Reference): for each service namespace asked, the
 * permissions policies of the user (its own and its groups'), group or role that grant access to
 * some action of that service. Only permissions policies count ("does not use other policy types",
 * such as boundaries or resource policies): a policy grants a service when one of its Allow
 * statements names an action of it (`Action` whose service prefix is the namespace, or `*`), or has a `NotAction` that does not exclude the whole service (`s3:*`, `*`). Inline
 * policies come with the entity that holds them; managed ones with their ARN. The answer is never
 * truncated (a Marker is only checked).
 */
export async function listPoliciesGrantingServiceAccess(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const arn = ctx.params.require('Arn');
  v.length('arn', arn, 20, 2048);
  const namespaces = ctx.params.list('ServiceNamespaces');
  if (namespaces.length === 0)
    ctx.params.require('ServiceNamespaces.member.1', 'serviceNamespaces');
  v.count('serviceNamespaces', namespaces, 200);
  namespaces.forEach((n, i) =>
    v
      .length(`serviceNamespaces.${i + 1}.member`, n, 1, 64)
      .pattern(`serviceNamespaces.${i + 1}.member`, n, /^[\w-]*$/, '[\\w-]*'),
  );
  readPaging(ctx.params, v);
  v.check();
  const { type, entity } = await authorizedIdentity(
    ctx,
    caller,
    'iam:ListPoliciesGrantingServiceAccess',
    arn,
  );

  const holders: Array<{ type: 'USER' | 'GROUP' | 'ROLE'; record: IdentityRecord }> = [
    {
      type: type === 'user' ? 'USER' : type === 'role' ? 'ROLE' : 'GROUP',
      record: entity,
    },
  ];
  if (type === 'user') {
    for (const group of await groupsOf(ctx.store, caller.account, entity as UserRecord))
      holders.push({ type: 'GROUP', record: group });
  }
  const policies: Array<{ xml: XmlObject; statements: NormalizedStatement[] }> = [];
  // Stored documents were validated when saved; one a later validator refuses grants nothing here.
  const statementsOf = (text: string): NormalizedStatement[] => {
    try {
      return validatePolicy(text, 'identity', { sizeLimit: Infinity }).Statement;
    } catch (e) {
      if (e instanceof PolicyError) return [];
      throw e;
    }
  };
  const managedSeen = new Set<string>();
  for (const { type, record } of holders) {
    for (const [name, text] of Object.entries(record.inlinePolicies))
      policies.push({
        xml: { PolicyName: name, PolicyType: 'INLINE', EntityType: type, EntityName: record.name },
        statements: statementsOf(text),
      });
    for (const policyArn of record.attachedPolicies) {
      if (managedSeen.has(policyArn)) continue;
      managedSeen.add(policyArn);
      const text = await managedPolicyDocument(ctx.store, policyArn);
      if (text === null) continue;
      policies.push({
        xml: {
          PolicyName: attachedPolicy(policyArn).name,
          PolicyType: 'MANAGED',
          PolicyArn: policyArn,
        },
        statements: statementsOf(text),
      });
    }
  }
  return {
    PoliciesGrantingServiceAccess: namespaces.map((ns) => ({
      ServiceNamespace: ns,
      Policies: policies.filter((p) => p.statements.some((s) => grants(s, ns))).map((p) => p.xml),
    })),
    IsTruncated: false,
  };
}

/** Whether an Allow statement grants some action of service `ns`. */
function grants(s: NormalizedStatement, ns: string): boolean {
  if (s.Effect !== 'Allow') return false;
  if (s.Action) return s.Action.some((a) => a === '*' || serviceOf(a) === ns.toLowerCase());
  // NotAction: everything but what it lists; the service is left out only when all of it is listed.
  return !(s.NotAction ?? []).some(
    (a) =>
      a === '*' || (serviceOf(a) === ns.toLowerCase() && /^\*+$/.test(a.slice(a.indexOf(':') + 1))),
  );
}

/** The service prefix of an action (IAM refuses wildcards in it), lowercased: prefixes are case-insensitive. */
const serviceOf = (action: string) =>
  action.slice(0, Math.max(0, action.indexOf(':'))).toLowerCase();
