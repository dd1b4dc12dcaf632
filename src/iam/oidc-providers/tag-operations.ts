import type { OidcProviderRecord } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';
import { tagOperations } from '../common/tag-operations.ts';
import { authorizeProvider, readProviderArn } from './authorized-provider.ts';

/**
 * TagOpenIDConnectProvider, UntagOpenIDConnectProvider, ListOpenIDConnectProviderTags (IAM API
 * Reference). Tags on a provider are how an account marks it as served by its test issuer
 * (`rolecall:keys` = `test-issuer`, docs/web-identity.md).
 */
export const providerTagOperations = tagOperations<OidcProviderRecord>({
  noun: 'OpenIDConnectProvider',
  quota: 'TagsPerOpenIdConnectProvider',
  readId: readProviderArn,
  async authorized(ctx, caller, arn, action, context) {
    const record = await authorizeProvider(ctx, caller, { action, arn, context });
    if (!record) throw IamErrors.noSuchOidcProvider(arn);
    return record;
  },
  save: (ctx, caller, record) => ctx.store.put(caller.account, 'oidc', record.url, record),
});
