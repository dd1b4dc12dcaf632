import * as z from 'zod/mini';
import { setName } from '../policy/records.ts';

/**
 * The declarative seed document: the IAM state of one or more accounts (format documented in
 * docs/seeding.md; JSON Schema in src/seed/seed.schema.json, generated from this file by
 * `src/seed/write-json-schema.ts`). Applying it is idempotent: every entity named is created or brought to
 * the state described (its inline policies, attached policies, boundary, tags and a user's groups
 * are exactly those listed); entities not named are left alone. Policy documents may be JSON objects or JSON text.
 */
const policyDocument = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .check(
    z.meta({ description: 'A policy document: a JSON object, or its JSON text (kept verbatim).' }),
  );
const tags = z.optional(
  z
    .array(z.strictObject({ Key: z.string(), Value: z.string() }))
    .check(z.meta({ description: 'Up to 50 tags.' })),
);
const path = z.optional(
  z.string().check(z.meta({ description: 'IAM path, `/` or `/a/b/`; default `/`.' })),
);
const inlinePolicies = z.optional(
  z.record(z.string(), policyDocument).check(z.meta({ description: 'Inline policies by name.' })),
);
const attachedPolicies = z.optional(
  z.array(z.string()).check(
    z.meta({
      description:
        'Managed policy ARNs: AWS managed (arn:aws:iam::aws:policy/...) or policies of this account.',
    }),
  ),
);
const permissionsBoundary = z.optional(
  z.string().check(z.meta({ description: 'Managed policy ARN used as the permissions boundary.' })),
);

export const seedSchema = z.strictObject({
  $schema: z.optional(z.string()),
  $comment: z.optional(z.string()),
  accounts: z.array(
    z.strictObject({
      id: z.string().check(z.regex(/^\d{12}$/, 'account id must be 12 digits')),
      $comment: z.optional(z.string()),
      alias: z.optional(
        z.string().check(
          z.meta({
            description:
              'The account alias (CreateAccountAlias): 3-63 lowercase letters, digits and single dashes, unique across accounts. Absent: the alias is left as it is.',
          }),
        ),
      ),
      policies: z.optional(
        z.array(
          z.strictObject({
            name: z.string(),
            path,
            description: z.optional(z.string()),
            document: policyDocument,
            tags,
          }),
        ),
      ),
      groups: z.optional(
        z.array(
          z.strictObject({
            name: z.string(),
            path,
            inlinePolicies,
            attachedPolicies,
          }),
        ),
      ),
      users: z.optional(
        z.array(
          z.strictObject({
            name: z.string(),
            path,
            tags,
            inlinePolicies,
            attachedPolicies,
            permissionsBoundary,
            groups: z.optional(
              z.array(z.string()).check(
                z.meta({
                  description:
                    'Names of the groups the user belongs to (up to 10): groups of this document or already in the account. Exactly these: memberships not listed are removed.',
                }),
              ),
            ),
            accessKeys: z.optional(
              z
                .array(
                  z.strictObject({
                    accessKeyId: z
                      .string()
                      .check(
                        z.regex(/^AKIA[A-Z0-9]{16}$/, 'access key ids are AKIA + 16 characters'),
                      ),
                    secretAccessKey: z.string().check(z.minLength(16), z.maxLength(128)),
                    status: z.optional(z.enum(['Active', 'Inactive'])),
                  }),
                )
                .check(z.maxLength(2, 'Cannot exceed quota for AccessKeysPerUser: 2')),
            ),
            mfaDevices: z.optional(
              z
                .array(
                  z.strictObject({
                    name: z.string(),
                    path,
                    seed: z.string().check(
                      z.meta({
                        description:
                          'The base32 TOTP seed (at least 16 bytes, RFC 4226), known to CI so it can compute codes (docs/mfa.md).',
                      }),
                    ),
                  }),
                )
                .check(
                  z.meta({
                    description:
                      'Virtual MFA devices enabled for the user, serial number arn:aws:iam::ACCOUNT:mfa/PATH/NAME.',
                  }),
                  z.maxLength(8, 'Cannot exceed quota for MFADevicesPerUser: 8'),
                ),
            ),
          }),
        ),
      ),
      roles: z.optional(
        z.array(
          z.strictObject({
            name: z.string(),
            path,
            description: z.optional(z.string()),
            maxSessionDuration: z.optional(z.int()),
            assumeRolePolicyDocument: policyDocument,
            inlinePolicies,
            attachedPolicies,
            permissionsBoundary,
            tags,
          }),
        ),
      ),
      oidcProviders: z.optional(
        z.array(
          z.strictObject({
            url: z.string().check(z.meta({ description: 'Issuer URL, https://...' })),
            clientIds: z.optional(z.array(z.string())),
            thumbprints: z.optional(z.array(z.string())),
            tags,
            jwks: z.optional(
              z.record(z.string(), z.unknown()).check(
                z.meta({
                  description:
                    'The issuer\'s public keys ({ "keys": [...] }, RSA or EC, at most 20): tokens are verified with them instead of fetching the issuer\'s JWKS (docs/web-identity.md).',
                }),
              ),
            ),
          }),
        ),
      ),
    }),
  ),
});

export type SeedDocument = z.infer<typeof seedSchema>;

/**
 * seedSchema.safeParse, keeping `__proto__` keys. zod builds its output objects by assignment, so
 * a key `__proto__` (a valid inline policy name, or a key inside a policy document) would be
 * dropped without a word; every such key of the input is put back, as an own property, at the same
 * place of the output (the schema only checks shapes, so input and output have the same layout).
 * The documents it holds are validated when the seed is applied, as every other document is.
 */
export function parseSeed(json: unknown): ReturnType<typeof seedSchema.safeParse> {
  const result = seedSchema.safeParse(json);
  if (result.success) restoreProtoKeys(json, result.data);
  return result;
}

function restoreProtoKeys(raw: unknown, parsed: unknown): void {
  if (typeof raw !== 'object' || raw === null || typeof parsed !== 'object' || parsed === null) {
    return;
  }
  if (Array.isArray(raw)) {
    if (Array.isArray(parsed)) raw.forEach((v, i) => restoreProtoKeys(v, parsed[i]));
    return;
  }
  for (const key of Object.keys(raw)) {
    const value = (raw as Record<string, unknown>)[key];
    if (key === '__proto__' && !Object.hasOwn(parsed, key)) {
      setName(parsed as Record<string, unknown>, key, value);
    } else if (Object.hasOwn(parsed, key)) {
      restoreProtoKeys(value, (parsed as Record<string, unknown>)[key]);
    }
  }
}
