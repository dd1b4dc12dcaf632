import type { Constraints } from '../../protocol/constraints.ts';

/** IAM API Reference data-type patterns, with the text IAM prints in ValidationError messages. */
export const IAM = {
  name: { re: /^[\w+=,.@-]+$/, shown: '[\\w+=,.@-]+' },
  path: {
    re: /^(\/|\/[\u0021-\u007F]+\/)$/,
    shown: '(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)',
  },
  /** Managed policies' Path and the PathPrefix that filters them (policyPathType). */
  policyPath: {
    re: /^(\/[A-Za-z0-9.,+@=_-]+)*\/$/,
    shown: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
  },
  pathPrefix: { re: /^\/[\u0021-\u007F]*$/, shown: '\\u002F[\\u0021-\\u007F]*' },
  roleDescription: {
    re: /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u,
    shown: '[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*',
  },
  policyDocument: {
    re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
    shown: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  },
  versionId: { re: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, shown: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?' },
  accessKeyId: { re: /^[\w]+$/, shown: '[\\w]+' },
  marker: { re: /^[\u0020-\u00FF]+$/, shown: '[\\u0020-\\u00FF]+' },
  /** accountAliasType: lowercase letters, digits and single dashes, neither first nor last. */
  accountAlias: {
    re: /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/,
    shown: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$',
  },
} as const;

/** Entity names: roles and users 1-64, managed and inline policies 1-128, `[\w+=,.@-]+`. */
export function checkName(
  v: Constraints,
  member: string,
  value: string | undefined,
  max: number,
): void {
  v.length(member, value, 1, max).pattern(member, value, IAM.name.re, IAM.name.shown);
}

/** Paths of roles and users (pathType); ListEntitiesForPolicy's PathPrefix has this type too. */
export function checkPath(v: Constraints, member: string, value: string | undefined): void {
  v.length(member, value, 1, 512).pattern(member, value, IAM.path.re, IAM.path.shown);
}

/** ListRoles' and ListUsers' PathPrefix (pathPrefixType). */
export function checkPathPrefix(v: Constraints, value: string | undefined): void {
  v.length('pathPrefix', value, 1, 512).pattern(
    'pathPrefix',
    value,
    IAM.pathPrefix.re,
    IAM.pathPrefix.shown,
  );
}

/** A managed policy's Path, and the PathPrefix of ListPolicies and ListAttached*Policies (policyPathType). */
export function checkPolicyPath(v: Constraints, member: string, value: string | undefined): void {
  v.length(member, value, 1, 512).pattern(member, value, IAM.policyPath.re, IAM.policyPath.shown);
}

/** A role's Description (roleDescriptionType): up to 1,000 letters, marks, spaces, symbols, digits, punctuation. */
export function checkRoleDescription(v: Constraints, value: string | undefined): void {
  v.length('description', value, 0, 1000).pattern(
    'description',
    value,
    IAM.roleDescription.re,
    IAM.roleDescription.shown,
  );
}

/** A managed policy's Description (policyDescriptionType): length only, the model sets no pattern. */
export function checkPolicyDescription(v: Constraints, value: string | undefined): void {
  v.length('description', value, 0, 1000);
}

export function checkDocumentText(v: Constraints, member: string, value: string | undefined): void {
  v.length(member, value, 1, 131072).pattern(
    member,
    value,
    IAM.policyDocument.re,
    IAM.policyDocument.shown,
  );
}

export function checkArn(v: Constraints, member: string, value: string | undefined): void {
  v.length(member, value, 20, 2048);
}

/** A value of an enum-typed member, worded as AWS words it. */
export function checkEnum(
  v: Constraints,
  member: string,
  value: string | undefined,
  allowed: readonly string[],
): void {
  if (value !== undefined && !allowed.includes(value))
    v.add(member, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
}
