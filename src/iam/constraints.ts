import type { Constraints } from '../protocol/constraints.ts';

/** IAM API Reference data-type patterns, with the text IAM prints in ValidationError messages. */
export const IAM = {
  name: { re: /^[\w+=,.@-]+$/, shown: '[\\w+=,.@-]+' },
  path: {
    re: /^(\/|\/[\u0021-\u007E]+\/)$/,
    shown: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  },
  pathPrefix: { re: /^\/[\u0021-\u007F]*$/, shown: '\\u002F[\\u0021-\\u007F]*' },
  description: {
    re: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/,
    shown: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
  },
  policyDocument: {
    re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
    shown: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  },
  versionId: { re: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, shown: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?' },
  accessKeyId: { re: /^[\w]+$/, shown: '[\\w]+' },
  marker: { re: /^[\u0020-\u00FF]+$/, shown: '[\\u0020-\\u00FF]+' },
  thumbprint: { re: /^[0-9A-Fa-f]{40}$/, shown: '[0-9A-Fa-f]{40}' },
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

export function checkPath(v: Constraints, member: string, value: string | undefined): void {
  v.length(member, value, 1, 512).pattern(member, value, IAM.path.re, IAM.path.shown);
}

export function checkDescription(v: Constraints, member: string, value: string | undefined): void {
  v.length(member, value, 0, 1000).pattern(
    member,
    value,
    IAM.description.re,
    IAM.description.shown,
  );
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
