import type { Caller } from '../../caller/types.ts';
import type { Env } from '../../env.ts';
import type { IamStore } from '../../store/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { Errors } from '../../protocol/errors.ts';
import { XmlMap, type XmlObject } from '../../protocol/xml.ts';
import { authorizeIam } from '../common/authorize.ts';
import { AliasClaims } from '../../accounts/client.ts';
import { iamArn } from '../common/arns.ts';
import { checkName, checkPathPrefix, IAM } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { forEachEntity, readPaging } from '../common/paging.ts';
import { ACCOUNT_QUOTAS } from '../common/quotas.ts';
import { MAX_GROUPS_PER_USER } from '../groups/record.ts';
import { IDENTITY, MAX_ATTACHED } from '../identities/record.ts';
import { MAX_VERSIONS } from '../managed-policies/record.ts';
import { MAX_KEYS_PER_USER } from '../users/access-key-record.ts';

/** An account alias (accountAliasType: 3-63 characters, its pattern), as `member` of a request. */
export function checkAlias(v: Constraints, member: string, alias: string | undefined): void {
  v.length(member, alias, 3, 63).pattern(
    member,
    alias,
    IAM.accountAlias.re,
    IAM.accountAlias.shown,
  );
}

/** The AccountAlias parameter, required. */
function readAlias(ctx: OperationContext): string {
  const alias = ctx.params.get('AccountAlias');
  const v = new Constraints().required('accountAlias', alias);
  checkAlias(v, 'accountAlias', alias);
  v.check();
  return alias!;
}

/**
 * Makes `alias` the account's: claimed first (in the object that orders that alias's claims,
 * src/accounts/client.ts; EntityAlreadyExists when another account holds it), then recorded for
 * the account, then the alias it replaces is given up. The account's own alias again changes
 * nothing. For CreateAccountAlias and seed documents alike.
 */
export async function setAccountAlias(
  env: Env,
  store: IamStore,
  account: string,
  alias: string,
): Promise<void> {
  const current = await store.accountAlias(account);
  if (current === alias) return;
  await AliasClaims.claim(env, alias, account);
  await store.putAccountAlias(account, alias);
  if (current !== null) await AliasClaims.release(env, current, account);
}

/**
 * CreateAccountAlias (IAM API Reference; AWS Account Management Reference, "Setting or changing
 * your AWS account alias"): an account has one alias, and a new one replaces it; an alias is unique
 * across accounts, so one another account holds is EntityAlreadyExists, while the account's own is
 * a success (setAccountAlias).
 */
export async function createAccountAlias(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const alias = readAlias(ctx);
  await authorizeIam(ctx, caller, 'iam:CreateAccountAlias', '*');
  await setAccountAlias(ctx.env, ctx.store, caller.account, alias);
  return undefined;
}

/**
 * DeleteAccountAlias: removes the account's alias, named as it is (NoSuchEntity otherwise), then
 * gives up its claim so another account may take it.
 */
export async function deleteAccountAlias(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const alias = readAlias(ctx);
  await authorizeIam(ctx, caller, 'iam:DeleteAccountAlias', '*');
  const account = caller.account;
  if ((await ctx.store.accountAlias(account)) !== alias) throw IamErrors.noSuchAlias(alias);
  await ctx.store.putAccountAlias(account, null);
  await AliasClaims.release(ctx.env, alias, account);
  return undefined;
}

/**
 * ListAccountAliases (IAM API Reference): the account's alias, at most one, for the scripts that
 * print it; empty for an account without one. Marker and MaxItems are checked as every list checks
 * them (one alias never fills a page).
 */
export async function listAccountAliases(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListAccountAliases', '*');
  const alias = await ctx.store.accountAlias(caller.account);
  return { AccountAliases: alias === null ? [] : [alias], IsTruncated: false };
}

/**
 * GetAccountSummary (IAM API Reference): the account's entity counts and the quotas rolecall
 * enforces, as a SummaryMap. Counts are of what the account holds: users, groups, roles, customer
 * managed policies (and the versions they keep, `PolicyVersionsInUse`), instance profiles, OpenID
 * Connect providers (`Providers`), virtual MFA devices and those enabled for a user. rolecall has no
 * root user, server certificates or signing certificates, so those counts and flags are 0. Reads
 * every MFA device record of the account (bounded by the quotas) and counts policy versions from
 * the listing of their keys (store.countPolicyVersions); authorized on `*`.
 */
export async function getAccountSummary(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:GetAccountSummary', '*');
  const { store } = ctx;
  const account = caller.account;
  const count = (kind: keyof typeof ACCOUNT_QUOTAS) =>
    store.count(account, kind, ACCOUNT_QUOTAS[kind].limit);
  const [users, groups, roles, policies, profiles, providers] = await Promise.all([
    count('user'),
    count('group'),
    count('role'),
    count('policy'),
    count('instanceprofile'),
    count('oidc'),
  ]);
  let mfaDevices = 0;
  let mfaInUse = 0;
  await forEachEntity(store, account, 'mfa', (d) => {
    mfaDevices += 1;
    if (d.user) mfaInUse += 1;
  });
  const versions = await store.countPolicyVersions(account);
  const summary: Array<[string, number]> = [
    ['Users', users],
    ['UsersQuota', ACCOUNT_QUOTAS.user.limit],
    ['Groups', groups],
    ['GroupsQuota', ACCOUNT_QUOTAS.group.limit],
    ['Roles', roles],
    ['RolesQuota', ACCOUNT_QUOTAS.role.limit],
    ['Policies', policies],
    ['PoliciesQuota', ACCOUNT_QUOTAS.policy.limit],
    ['PolicyVersionsInUse', versions],
    ['PolicyVersionsInUseQuota', 10000],
    ['VersionsPerPolicyQuota', MAX_VERSIONS],
    ['InstanceProfiles', profiles],
    ['InstanceProfilesQuota', ACCOUNT_QUOTAS.instanceprofile.limit],
    ['Providers', providers],
    ['MFADevices', mfaDevices],
    ['MFADevicesInUse', mfaInUse],
    ['AccessKeysPerUserQuota', MAX_KEYS_PER_USER],
    ['GroupsPerUserQuota', MAX_GROUPS_PER_USER],
    ['AttachedPoliciesPerUserQuota', MAX_ATTACHED],
    ['AttachedPoliciesPerGroupQuota', MAX_ATTACHED],
    ['AttachedPoliciesPerRoleQuota', MAX_ATTACHED],
    // Document sizes rolecall enforces (src/policy/validate.ts, src/iam/identities/record.ts).
    ['PolicySizeQuota', 6144],
    ['UserPolicySizeQuota', IDENTITY.user.inlineLimit],
    ['GroupPolicySizeQuota', IDENTITY.group.inlineLimit],
    ['RolePolicySizeQuota', IDENTITY.role.inlineLimit],
    ['AssumeRolePolicySizeQuota', 2048],
    ['ServerCertificates', 0],
    ['ServerCertificatesQuota', 20],
    ['SigningCertificatesPerUserQuota', 2],
    ['AccountMFAEnabled', 0],
    ['AccountAccessKeysPresent', 0],
    ['AccountPasswordPresent', 0],
    ['AccountSigningCertificatesPresent', 0],
    ['GlobalEndpointTokenVersion', 1],
  ];
  return { SummaryMap: new XmlMap(summary) };
}

/**
 * GetAccountPasswordPolicy: rolecall keeps no console passwords and so no password policy, and IAM
 * answers an account without a custom one NoSuchEntity (IAM API Reference, GetAccountPasswordPolicy:
 * "If no password policy is defined for the account, the command returns a NoSuchEntity error").
 */
export async function getAccountPasswordPolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:GetAccountPasswordPolicy', '*');
  throw Errors.noSuchEntity(
    `The Password Policy with domain name ${caller.account} cannot be found.`,
  );
}

/**
 * ListSAMLProviders and ListServerCertificates: rolecall keeps neither (AssumeRoleWithSAML and
 * UploadServerCertificate are not implemented), so both lists are empty, as for an account without
 * them; their parameters are checked as IAM checks them.
 */
export async function listSAMLProviders(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:ListSAMLProviders', '*');
  return { SAMLProviderList: [] };
}

export async function listServerCertificates(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  checkPathPrefix(v, ctx.params.get('PathPrefix'));
  readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListServerCertificates', '*');
  return { ServerCertificateMetadataList: [], IsTruncated: false };
}

/**
 * GetServerCertificate and ListServerCertificateTags: as no certificate exists (see above), the
 * named one is NoSuchEntity, worded as IAM words it for a missing server certificate, once the name
 * is checked and the caller authorized on its ARN (`server-certificate/<name>`).
 */
function absentCertificate(action: 'GetServerCertificate' | 'ListServerCertificateTags') {
  return async (ctx: OperationContext, caller: Caller): Promise<XmlObject> => {
    const v = new Constraints();
    const name = ctx.params.require('ServerCertificateName');
    checkName(v, 'serverCertificateName', name, 128);
    if (action === 'ListServerCertificateTags') readPaging(ctx.params, v);
    v.check();
    const arn = iamArn(caller.account, 'server-certificate', '/', name);
    await authorizeIam(ctx, caller, `iam:${action}`, arn);
    throw Errors.noSuchEntity(`The Server Certificate with name ${name} cannot be found.`);
  };
}

export const getServerCertificate = absentCertificate('GetServerCertificate');
export const listServerCertificateTags = absentCertificate('ListServerCertificateTags');
