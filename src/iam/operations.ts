import type { Caller } from '../caller/types.ts';
import type { OperationContext, OperationTable } from '../operation.ts';
import type { XmlObject } from '../protocol/xml.ts';
import {
  createAccessKey,
  deleteAccessKey,
  getAccessKeyLastUsed,
  listAccessKeys,
  updateAccessKey,
} from './users/access-key-operations.ts';
import {
  addClientIDToOpenIDConnectProvider,
  createOpenIDConnectProvider,
  deleteOpenIDConnectProvider,
  getOpenIDConnectProvider,
  listOpenIDConnectProviders,
  removeClientIDFromOpenIDConnectProvider,
  updateOpenIDConnectProviderThumbprint,
} from './oidc-providers/operations.ts';
import { providerTagOperations } from './oidc-providers/tag-operations.ts';
import {
  disableOutboundWebIdentityFederation,
  enableOutboundWebIdentityFederation,
  getOutboundWebIdentityFederationInfo,
} from './outbound-federation/operations.ts';
import {
  createPolicy,
  createPolicyVersion,
  deletePolicy,
  deletePolicyVersion,
  getPolicy,
  getPolicyVersion,
  listEntitiesForPolicy,
  listPolicies,
  listPolicyVersions,
  setDefaultPolicyVersion,
} from './managed-policies/operations.ts';
import { policyTagOperations } from './managed-policies/tag-operations.ts';
import {
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  listGroupsForUser,
  updateGroup,
} from './groups/operations.ts';
import {
  createAccountAlias,
  deleteAccountAlias,
  getAccountPasswordPolicy,
  getAccountSummary,
  getServerCertificate,
  listAccountAliases,
  listServerCertificateTags,
  listSAMLProviders,
  listServerCertificates,
} from './account/operations.ts';
import { getAccountAuthorizationDetails } from './account/authorization-details.ts';
import { generateCredentialReport, getCredentialReport } from './account/credential-report.ts';
import { mfaDeviceOperations } from './mfa-devices/operations.ts';
import {
  addRoleToInstanceProfile,
  createInstanceProfile,
  deleteInstanceProfile,
  getInstanceProfile,
  listInstanceProfiles,
  listInstanceProfilesForRole,
  removeRoleFromInstanceProfile,
  instanceProfileTagOperations,
} from './instance-profiles/operations.ts';
import { addUserToGroup, removeUserFromGroup } from './groups/membership.ts';
import { identityPolicyOperations } from './identities/identity-policy-operations.ts';
import { principalOperations } from './identities/principal-operations.ts';
import {
  createRole,
  deleteRole,
  getRole,
  updateAssumeRolePolicy,
  updateRole,
  updateRoleDescription,
} from './roles/operations.ts';
import { simulateCustomPolicy, simulatePrincipalPolicy } from './simulation/operations.ts';
import {
  getContextKeysForCustomPolicy,
  getContextKeysForPrincipalPolicy,
} from './simulation/context-keys.ts';
import { listPoliciesGrantingServiceAccess } from './simulation/service-access.ts';
import { createUser, deleteUser, getUser, updateUser } from './users/operations.ts';
import {
  deleteLoginProfile,
  getLoginProfile,
  listServiceSpecificCredentials,
  listSigningCertificates,
  listSSHPublicKeys,
} from './users/absent-credentials.ts';

type Run = (ctx: OperationContext, caller: Caller) => Promise<XmlObject | undefined>;

const signed = (runs: Record<string, Run>): OperationTable =>
  Object.fromEntries(
    Object.entries(runs).map(([name, run]) => [name, { auth: 'sigv4' as const, run }]),
  );

/** IAM actions (Version 2010-05-08). Every one is signed and authorized against the caller's policies. */
export const iamOperations: OperationTable = signed({
  CreateRole: createRole,
  GetRole: getRole,
  UpdateRole: updateRole,
  UpdateRoleDescription: updateRoleDescription,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
  ...principalOperations('role'),
  ...identityPolicyOperations('role'),

  CreateInstanceProfile: createInstanceProfile,
  GetInstanceProfile: getInstanceProfile,
  DeleteInstanceProfile: deleteInstanceProfile,
  ListInstanceProfiles: listInstanceProfiles,
  AddRoleToInstanceProfile: addRoleToInstanceProfile,
  RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
  ListInstanceProfilesForRole: listInstanceProfilesForRole,
  ...instanceProfileTagOperations,

  CreateUser: createUser,
  GetUser: getUser,
  UpdateUser: updateUser,
  DeleteUser: deleteUser,
  ...principalOperations('user'),
  ...identityPolicyOperations('user'),

  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  UpdateGroup: updateGroup,
  DeleteGroup: deleteGroup,
  AddUserToGroup: addUserToGroup,
  RemoveUserFromGroup: removeUserFromGroup,
  ListGroupsForUser: listGroupsForUser,
  ...identityPolicyOperations('group'),

  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,

  GetLoginProfile: getLoginProfile,
  DeleteLoginProfile: deleteLoginProfile,
  ListSSHPublicKeys: listSSHPublicKeys,
  ListServiceSpecificCredentials: listServiceSpecificCredentials,
  ListSigningCertificates: listSigningCertificates,

  ...mfaDeviceOperations,

  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  CreatePolicyVersion: createPolicyVersion,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  DeletePolicyVersion: deletePolicyVersion,
  ListPolicyVersions: listPolicyVersions,
  DeletePolicy: deletePolicy,
  ListPolicies: listPolicies,
  ListEntitiesForPolicy: listEntitiesForPolicy,
  ...policyTagOperations,

  CreateOpenIDConnectProvider: createOpenIDConnectProvider,
  GetOpenIDConnectProvider: getOpenIDConnectProvider,
  ListOpenIDConnectProviders: listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider: addClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider: removeClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint: updateOpenIDConnectProviderThumbprint,
  ...providerTagOperations,

  EnableOutboundWebIdentityFederation: enableOutboundWebIdentityFederation,
  DisableOutboundWebIdentityFederation: disableOutboundWebIdentityFederation,
  GetOutboundWebIdentityFederationInfo: getOutboundWebIdentityFederationInfo,

  CreateAccountAlias: createAccountAlias,
  DeleteAccountAlias: deleteAccountAlias,
  ListAccountAliases: listAccountAliases,
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
  GenerateCredentialReport: generateCredentialReport,
  GetCredentialReport: getCredentialReport,
  GetAccountSummary: getAccountSummary,
  GetAccountPasswordPolicy: getAccountPasswordPolicy,
  ListSAMLProviders: listSAMLProviders,
  ListServerCertificates: listServerCertificates,
  GetServerCertificate: getServerCertificate,
  ListServerCertificateTags: listServerCertificateTags,

  SimulateCustomPolicy: simulateCustomPolicy,
  GetContextKeysForCustomPolicy: getContextKeysForCustomPolicy,
  GetContextKeysForPrincipalPolicy: getContextKeysForPrincipalPolicy,
  ListPoliciesGrantingServiceAccess: listPoliciesGrantingServiceAccess,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
});
