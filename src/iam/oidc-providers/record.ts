import type { Constraints } from '../../protocol/constraints.ts';
import type { OidcProviderRecord, Tags } from '../../store/types.ts';
import { oidcProviderArn } from '../common/arns.ts';
import { IamErrors } from '../common/errors.ts';
import { checkTags } from '../common/tags.ts';

/** An OpenID Connect provider as CreateOpenIDConnectProvider (and the seed) describe it. */
export interface OidcSpec {
  url: string;
  clientIds?: string[];
  thumbprints?: string[];
  tags?: Tags;
}

/** CreateOpenIDConnectProvider's constraints: Url 1-255, up to 100 client ids of 1-255, up to 5 40-hex-digit thumbprints. */
export function checkOidcSpec(v: Constraints, spec: OidcSpec): void {
  v.length('url', spec.url, 1, 255);
  v.count('clientIDList', spec.clientIds ?? [], 100);
  (spec.clientIds ?? []).forEach((c, i) => v.length(`clientIDList.${i + 1}.member`, c, 1, 255));
  checkThumbprints(v, spec.thumbprints ?? []);
  checkTags(v, spec.tags ?? []);
}

/** Up to 5 thumbprints, each exactly 40 characters (thumbprintType sets the length only). */
export function checkThumbprints(v: Constraints, thumbprints: string[]): void {
  v.count('thumbprintList', thumbprints, 5);
  thumbprints.forEach((t, i) => v.length(`thumbprintList.${i + 1}.member`, t, 40, 40));
}

/** The issuer URL as IAM keeps it: https only, stored without the scheme (and without a trailing slash). */
export function providerUrl(url: string): string {
  if (!/^https:\/\/[^/\s?#]+(\/[^\s?#]*)?$/i.test(url)) throw IamErrors.invalidInput('Invalid URL');
  return url.replace(/^https:\/\//i, '').replace(/\/$/, '');
}

export function oidcRecord(
  account: string,
  spec: OidcSpec,
  existing: OidcProviderRecord | null,
  now: number,
): OidcProviderRecord {
  const url = providerUrl(spec.url);
  return {
    arn: oidcProviderArn(account, url),
    url,
    clientIds: [...new Set(spec.clientIds ?? [])],
    thumbprints: spec.thumbprints ?? [],
    createDate: existing?.createDate ?? now,
    tags: spec.tags ?? [],
  };
}
