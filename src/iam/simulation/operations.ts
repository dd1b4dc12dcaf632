import { groupsOf, managedDocuments } from '../../caller/policies.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import {
  compile,
  MAX_CONTEXT_CHARS,
  MAX_CONTEXT_VALUES,
  nameRecord,
  setName,
  PolicyError,
  WorkBudget,
  type ContextValue,
  type Decision,
  type PolicySet,
} from '../../policy/index.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { QueryParams } from '../../protocol/query.ts';
import { XmlMap, type XmlObject } from '../../protocol/xml.ts';
import { managedPolicyDocument } from '../../store/managed.ts';
import type { IamStore, UserRecord } from '../../store/types.ts';
import { authorizeIam } from '../common/authorize.ts';
import { iamArn, parsePrincipalArn } from '../common/arns.ts';
import { checkDocumentText, checkEnum } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { indexMarker, indexPage, readPaging } from '../common/paging.ts';
import { statementSpans } from './statement-positions.ts';
import { resourceContext } from '../common/resource-context.ts';
import {
  IDENTITY,
  type IdentityKind,
  type IdentityRecord,
  type PrincipalRecord,
} from '../identities/record.ts';

/** Where a document of the simulated policy set came from, as MatchedStatements reports it. */
export interface Source {
  id: string;
  /**
   * PolicySourceType (IAM API Reference, Statement): a stored policy's origin. Policies passed in the
   * request carry none, as in the API reference's SimulateCustomPolicy example.
   */
  type?: 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';
  text: string;
}

const managedType = (arn: string) =>
  arn.startsWith('arn:aws:iam::aws:') ? ('aws-managed' as const) : ('user-managed' as const);

const CONTEXT_TYPES = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
];

const USER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:user\/./;

/**
 * "CallerArn is required if you include a ResourcePolicy" (SimulateCustomPolicy), "and the
 * PolicySourceArn is not the ARN for an IAM user" (SimulatePrincipalPolicy): the resource-based
 * policy's Principal element needs a user to match (IAM API Reference: CallerArn).
 */
/**
 * "You can specify only the ARN of an IAM user. You cannot specify the ARN of an assumed role,
 * federated user, or a service principal" (IAM API Reference: CallerArn). Checked after the
 * model's constraints, which IAM reports first (a CallerArn of 2049 characters is ValidationError).
 */
function checkCallerArn(input: SimulationInput): void {
  if (input.callerArn !== undefined && !USER_ARN.test(input.callerArn)) {
    throw IamErrors.invalidInput(`CallerArn ${input.callerArn} is not the ARN of an IAM user.`);
  }
}

function requireCallerFor(input: SimulationInput): void {
  if (input.resourcePolicy !== undefined && input.callerArn === undefined) {
    throw IamErrors.invalidInput(
      'CallerArn is required when a ResourcePolicy is given, so that its Principal element has a caller to match.',
    );
  }
}

interface SimulationInput {
  actions: string[];
  resources: string[];
  context: Record<string, ContextValue>;
  resourcePolicy?: string;
  resourceOwner?: string;
  callerArn?: string;
  boundaries: string[];
  inputs: string[];
  paging: ReturnType<typeof readPaging>;
}

/** The parameters SimulateCustomPolicy and SimulatePrincipalPolicy share (IAM API Reference). */
function readSimulation(
  params: QueryParams,
  v: Constraints,
  inputsRequired: boolean,
): SimulationInput {
  const inputs = params.list('PolicyInputList');
  if (inputsRequired && inputs.length === 0)
    params.require('PolicyInputList.member.1', 'policyInputList');
  inputs.forEach((d, i) => checkDocumentText(v, `policyInputList.${i + 1}.member`, d));
  const boundaries = params.list('PermissionsBoundaryPolicyInputList');
  boundaries.forEach((d, i) =>
    checkDocumentText(v, `permissionsBoundaryPolicyInputList.${i + 1}.member`, d),
  );
  const actions = params.list('ActionNames');
  if (actions.length === 0) params.require('ActionNames.member.1', 'actionNames');
  actions.forEach((a, i) => v.length(`actionNames.${i + 1}.member`, a, 3, 128));
  const resources = params.list('ResourceArns');
  resources.forEach((r, i) => v.length(`resourceArns.${i + 1}.member`, r, 1, 2048));
  const resourcePolicy = params.get('ResourcePolicy');
  checkDocumentText(v, 'resourcePolicy', resourcePolicy);
  const resourceOwner = params.get('ResourceOwner');
  v.length('resourceOwner', resourceOwner, 1, 2048);
  const callerArn = params.get('CallerArn');
  v.length('callerArn', callerArn, 1, 2048);
  v.length('resourceHandlingOption', params.get('ResourceHandlingOption'), 1, 64);

  const context = nameRecord<ContextValue>();
  for (let i = 1; params.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
    const base = `ContextEntries.member.${i}`;
    const key = params.get(`${base}.ContextKeyName`)!;
    const type = params.get(`${base}.ContextKeyType`) ?? 'string';
    v.length(`contextEntries.${i}.member.contextKeyName`, key, 5, 256);
    checkEnum(v, `contextEntries.${i}.member.contextKeyType`, type, CONTEXT_TYPES);
    const values = params.list(`${base}.ContextKeyValues`);
    // The same bounds as POST /v1/simulate: one call cannot buy unbounded matching work.
    v.count(`contextEntries.${i}.member.contextKeyValues`, values, MAX_CONTEXT_VALUES);
    values.forEach((x, j) =>
      v.length(
        `contextEntries.${i}.member.contextKeyValues.${j + 1}.member`,
        x,
        0,
        MAX_CONTEXT_CHARS,
      ),
    );
    setName(context, key, type.endsWith('List') ? values : (values[0] ?? ''));
  }
  return {
    actions,
    resources: resources.length > 0 ? resources : ['*'],
    context,
    resourcePolicy,
    resourceOwner,
    callerArn,
    boundaries,
    inputs,
    paging: readPaging(params, v),
  };
}

// Statement positions per source document, found once per call however many results cite them.
const spans = new WeakMap<Source, ReturnType<typeof statementSpans>>();
function spansOf(src: Source): ReturnType<typeof statementSpans> {
  let found = spans.get(src);
  if (found === undefined) {
    found = statementSpans(src.text);
    spans.set(src, found);
  }
  return found;
}

const label = (policy: string) => /^(\w+)(?:\[(\d+)\])?/.exec(policy);

/** One EvaluationResult, with MatchedStatements mapped back to the documents they came from. */
function resultXml(
  action: string,
  resource: string,
  d: Decision,
  sources: { identity: Source[]; boundary?: Source; resource?: Source },
  sameAccount: boolean,
): XmlObject {
  // MatchedStatements are "the statements that determine the result": the denies of an explicitDeny,
  // the allows of an allowed, none for an implicitDeny (IAM API Reference, EvaluationResult).
  const effect = d.decision === 'explicitDeny' ? 'Deny' : d.decision === 'allowed' ? 'Allow' : null;
  const matched = d.matchedStatements
    .filter((m) => m.effect === effect)
    .flatMap((m) => {
      const l = label(m.policy);
      const src =
        l?.[1] === 'identity'
          ? sources.identity[Number(l[2])]
          : l?.[1] === 'permissionsBoundary'
            ? sources.boundary
            : l?.[1] === 'resource'
              ? sources.resource
              : undefined;
      if (!src) return [];
      const span = spansOf(src)[m.statement];
      return [
        {
          SourcePolicyId: src.id,
          SourcePolicyType: src.type,
          StartPosition: span?.start,
          EndPosition: span?.end,
        },
      ];
    });
  const boundaryAllows = sources.boundary
    ? d.decision === 'allowed' ||
      d.matchedStatements.some(
        (m) => m.policy.startsWith('permissionsBoundary') && m.effect === 'Allow',
      )
    : undefined;
  const boundaryDetail =
    boundaryAllows === undefined ? undefined : { AllowedByPermissionsBoundary: boundaryAllows };
  if (resource === '*') {
    // All resources: no EvalDecisionDetails, and the missing context keys are listed here.
    return {
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: d.decision,
      MatchedStatements: matched,
      MissingContextValues: d.missingContextKeys,
      PermissionsBoundaryDecisionDetail: boundaryDetail,
    };
  }
  // A named resource (IAM API Reference, EvaluationResult): the missing context keys are "instead
  // included under the ResourceSpecificResults section", and EvalDecisionDetails "is present but
  // the response is empty" within one account. Across accounts IAM fills it with a summary per
  // policy type whose keys it does not document: rolecall leaves it out (docs/sts-iam.md).
  return {
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: d.decision,
    MatchedStatements: matched,
    MissingContextValues: [],
    PermissionsBoundaryDecisionDetail: boundaryDetail,
    EvalDecisionDetails: sameAccount ? new XmlMap([]) : undefined,
    ResourceSpecificResults: [
      {
        EvalResourceName: resource,
        EvalResourceDecision: d.decision,
        MatchedStatements: matched,
        MissingContextValues: d.missingContextKeys,
        PermissionsBoundaryDecisionDetail: boundaryDetail,
      },
    ],
  };
}

/**
 * Most characters of EvaluationResults one page holds (about as many bytes of XML). Every result
 * lists each statement that decided it: ten policies of 150 statements that all apply, against 1000
 * action/resource pairs, made a 292 MB answer (13 s) of a 135 KB request.
 */
export const PAGE_CHARS = 2_000_000;

/** About the characters of one result's XML: its names, and each matched statement or missing key. */
function resultChars(result: XmlObject): number {
  const matched = result.MatchedStatements as unknown[];
  const missing = result.MissingContextValues as string[];
  let chars = 400 + String(result.EvalActionName).length + String(result.EvalResourceName).length;
  chars += matched.length * 260;
  for (const key of missing) chars += key.length + 17;
  // A named resource repeats its decision, statements and missing keys in ResourceSpecificResults.
  for (const specific of (result.ResourceSpecificResults ?? []) as XmlObject[]) {
    chars += 300 + String(specific.EvalResourceName).length;
    chars += (specific.MatchedStatements as unknown[]).length * 260;
    for (const key of specific.MissingContextValues as string[]) chars += key.length + 17;
  }
  return chars;
}

/**
 * The page of EvaluationResults the request asks for: one result per action and resource, actions
 * outermost. The policy set is validated and compiled once per call, and only the page's own
 * action/resource pairs are decided (MaxItems, default 100; Marker resumes after the last one), so
 * the work of a call is bounded by its page, not by the product of its lists.
 */
function evaluateAll(
  input: SimulationInput,
  principal: string,
  policies: PolicySet,
  sources: { identity: Source[]; boundary?: Source; resource?: Source },
): XmlObject {
  const owner = input.resourceOwner ? /(\d{12})/.exec(input.resourceOwner)?.[1] : undefined;
  // Without ResourceOwner the resources belong to the simulated caller's account (IAM API
  // Reference, ResourceOwner).
  const sameAccount =
    owner === undefined || owner === /^arn:[^:]*:[^:]*::(\d{12}):/.exec(principal)?.[1];
  const perAction = input.resources.length;
  const page = indexPage(input.actions.length * perAction, input.paging);
  const results: XmlObject[] = [];
  try {
    const compiled = compile(policies);
    // One matching budget for the call: a page of up to 1000 decisions shares it.
    const budget = new WorkBudget();
    let chars = 0;
    for (let i = page.start; i < page.end; i++) {
      const action = input.actions[Math.floor(i / perAction)]!;
      const resource = input.resources[i % perAction]!;
      const d = compiled.decide(
        {
          principal,
          action,
          resource,
          resourceAccount: owner,
          context: input.context,
        },
        { budget },
      );
      const result = resultXml(action, resource, d, sources, sameAccount);
      results.push(result);
      chars += resultChars(result);
      // "IAM might return fewer than the MaxItems number of results even when there are more
      // results available" (IAM API Reference, MaxItems): a page ends once it holds PAGE_CHARS.
      if (chars > PAGE_CHARS && i + 1 < page.end) {
        return { EvaluationResults: results, IsTruncated: true, Marker: indexMarker(i) };
      }
    }
  } catch (e) {
    // SimulateCustomPolicy / SimulatePrincipalPolicy report unusable input as InvalidInput (IAM API Reference, Errors).
    if (e instanceof PolicyError) throw IamErrors.invalidInput(e.message);
    throw e;
  }
  return { EvaluationResults: results, IsTruncated: page.isTruncated, Marker: page.marker };
}

function inputSources(input: SimulationInput) {
  const identity: Source[] = input.inputs.map((text, i) => ({
    id: `PolicyInputList.${i + 1}`,
    text,
  }));
  const boundary: Source | undefined =
    input.boundaries[0] === undefined
      ? undefined
      : { id: 'PermissionsBoundaryPolicyInputList.1', text: input.boundaries[0] };
  const resource: Source | undefined =
    input.resourcePolicy === undefined
      ? undefined
      : { id: 'ResourcePolicy', type: 'resource', text: input.resourcePolicy };
  return { identity, boundary, resource };
}

const EMPTY_POLICY = '{"Version":"2012-10-17","Statement":[]}';

/** SimulateCustomPolicy: the given identity policies (and boundary, resource policy) against each action and resource. */
export async function simulateCustomPolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const input = readSimulation(ctx.params, v, true);
  v.check();
  checkCallerArn(input);
  requireCallerFor(input);
  await authorizeIam(ctx, caller, 'iam:SimulateCustomPolicy', '*');
  const sources = inputSources(input);
  const policies: PolicySet = { identity: input.inputs };
  if (sources.boundary) policies.permissionsBoundary = sources.boundary.text;
  if (input.resourcePolicy !== undefined) policies.resource = input.resourcePolicy;
  return evaluateAll(input, input.callerArn ?? caller.arn, policies, sources);
}

/**
 * The principal a simulation runs as without CallerArn: the user or role itself. A group is not a
 * principal (it cannot sign a request), so its policies are evaluated as those of a user of the
 * group's account and path with the group's name, standing for any member.
 */
function simulatedCaller(account: string, type: IdentityKind, entity: IdentityRecord): string {
  return type === 'group' ? iamArn(account, 'user', entity.path, entity.name) : entity.arn;
}

/** A stored entity's inline policies (typed by the entity) and attached managed policies. */
export async function storedSources(
  store: IamStore,
  entity: IdentityRecord,
  type: 'user' | 'group' | 'role',
): Promise<Source[]> {
  const out: Source[] = Object.entries(entity.inlinePolicies).map(([name, text]) => ({
    id: name,
    type,
    text,
  }));
  const texts = await managedDocuments(store, entity.attachedPolicies);
  entity.attachedPolicies.forEach((arn, i) => {
    const text = texts[i];
    if (text !== null && text !== undefined)
      out.push({ id: arn.split('/').pop()!, type: managedType(arn), text });
  });
  return out;
}

/**
 * The user, group or role a `PolicySourceArn`-style parameter names, once the caller may `action` on
 * it. Read before authorizing, so its tags reach the condition keys; another account's is never read
 * (the caller is refused as for a missing one). NoSuchEntity when it does not exist, after the
 * authorization, as IAM answers.
 */
export async function authorizedIdentity(
  ctx: OperationContext,
  caller: Caller,
  action: string,
  arn: string,
): Promise<{ type: IdentityKind; entity: IdentityRecord }> {
  const parsed = parsePrincipalArn(arn);
  if (!parsed) throw IamErrors.invalidArn(arn);
  const stored: IdentityRecord | null =
    parsed.account === caller.account
      ? await ctx.store.get(parsed.account, parsed.type, parsed.name)
      : null;
  const entity = stored?.arn === arn ? stored : null;
  await authorizeIam(ctx, caller, action, arn, resourceContext(action, parsed.type, entity));
  if (!entity) throw IDENTITY[parsed.type].noSuch(parsed.name);
  return { type: parsed.type, entity };
}

/**
 * SimulatePrincipalPolicy: the policies of a stored user (with its groups'), group or role, plus any
 * given ones.
 */
export async function simulatePrincipalPolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const sourceArn = ctx.params.require('PolicySourceArn');
  v.length('policySourceArn', sourceArn, 20, 2048);
  const input = readSimulation(ctx.params, v, false);
  v.check();
  checkCallerArn(input);
  // Without CallerArn a user simulates as itself; a role or group needs one for a ResourcePolicy.
  if (!USER_ARN.test(sourceArn)) requireCallerFor(input);
  const { type, entity } = await authorizedIdentity(
    ctx,
    caller,
    'iam:SimulatePrincipalPolicy',
    sourceArn,
  );

  const sources = inputSources(input);
  const identity = await storedSources(ctx.store, entity, type);
  // "If you specify a user, the simulation also includes all policies that are attached to any
  // groups the user belongs to" (IAM API Reference, SimulatePrincipalPolicy).
  if (type === 'user') {
    for (const group of await groupsOf(ctx.store, caller.account, entity as UserRecord))
      identity.push(...(await storedSources(ctx.store, group, 'group')));
  }
  identity.push(...sources.identity);
  let boundary = sources.boundary;
  // Groups have no permissions boundary; users and roles may.
  const boundaryArn =
    type === 'group' ? undefined : (entity as PrincipalRecord).permissionsBoundary;
  if (!boundary && boundaryArn) {
    // As enforcement does (caller/policies.ts): a boundary whose policy is gone allows nothing.
    const text = (await managedPolicyDocument(ctx.store, boundaryArn)) ?? EMPTY_POLICY;
    boundary = { id: boundaryArn.split('/').pop()!, type: managedType(boundaryArn), text };
  }
  const policies: PolicySet = { identity: identity.map((s) => s.text) };
  if (boundary) policies.permissionsBoundary = boundary.text;
  if (input.resourcePolicy !== undefined) policies.resource = input.resourcePolicy;
  return evaluateAll(
    input,
    input.callerArn ?? simulatedCaller(caller.account, type, entity),
    policies,
    {
      identity,
      boundary,
      resource: sources.resource,
    },
  );
}
