import type { PrincipalType } from './types.ts';

const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
const NAME = '[\\w+=,.@-]+';

const AWS_PRINCIPAL = new RegExp(
  '^(?:\\d{12}' +
    `|arn:${PARTITION}:iam::\\d{12}:(?:root|user/(?:[\\x21-\\x7e]*/)?${NAME}|role/(?:[\\x21-\\x7e]*/)?${NAME}|federated-user/${NAME})` +
    `|arn:${PARTITION}:sts::\\d{12}:(?:assumed-role/${NAME}/${NAME}|federated-user/${NAME})` +
    // Unique ids: IAM shows them in place of the ARN of a deleted user or role.
    '|A(?:IDA|ROA)[A-Z0-9]{12,})$',
);
const HOSTNAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const FEDERATED_ARN = new RegExp(
  `^arn:${PARTITION}:iam::\\d{12}:(?:saml-provider|oidc-provider)/.+$`,
);
const CANONICAL = /^[0-9a-f]{64}$/i;

/**
 * Whether a value may appear under a principal type. "You cannot use a wildcard to match part of
 * a principal name or ARN" (IAM JSON policy elements: Principal), so only a lone "*" is allowed.
 */
export function isValidPrincipalValue(type: PrincipalType, value: string): boolean {
  if (value === '*') return type === 'AWS';
  if (value.includes('*') || value.includes('?')) return false;
  switch (type) {
    case 'AWS':
      return AWS_PRINCIPAL.test(value);
    case 'Service':
      return HOSTNAME.test(value);
    case 'Federated':
      return FEDERATED_ARN.test(value) || HOSTNAME.test(value);
    case 'CanonicalUser':
      return CANONICAL.test(value);
  }
}

export const PRINCIPAL_TYPES: readonly PrincipalType[] = [
  'AWS',
  'Service',
  'Federated',
  'CanonicalUser',
];
