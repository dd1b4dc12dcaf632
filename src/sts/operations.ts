import type { Caller } from '../caller/types.ts';
import type { Operation, OperationContext, OperationTable } from '../operation.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { assumeRole } from './assume-role.ts';
import { decodeAuthorizationMessage } from './decode-authorization-message.ts';
import { getAccessKeyInfo, getCallerIdentity } from './identity.ts';
import { getFederationToken, getSessionToken } from './tokens.ts';
import { assumeRoleWithWebIdentity } from './web-identity.ts';
import { getWebIdentityToken } from './web-identity-token.ts';
import { StsErrors } from './errors.ts';

type SessionKind = 'long-term' | 'AssumedRole' | 'User' | 'FederatedUser';

/**
 * Which credentials may call which STS action (STS API Reference, GetSessionToken and
 * GetFederationToken "Permissions"): role sessions cannot mint user tokens; GetSessionToken sessions
 * may only AssumeRole and GetCallerIdentity; federated-user sessions only GetCallerIdentity.
 */
const ALLOWED: Record<string, readonly SessionKind[]> = {
  AssumeRole: ['long-term', 'AssumedRole', 'User'],
  GetCallerIdentity: ['long-term', 'AssumedRole', 'User', 'FederatedUser'],
  GetSessionToken: ['long-term'],
  GetFederationToken: ['long-term'],
  GetAccessKeyInfo: ['long-term', 'AssumedRole'],
  GetWebIdentityToken: ['long-term', 'AssumedRole', 'User'],
  DecodeAuthorizationMessage: ['long-term', 'AssumedRole'],
};

function signed(
  action: string,
  run: (ctx: OperationContext, caller: Caller) => Promise<XmlObject>,
): Operation {
  return {
    auth: 'sigv4',
    run: (ctx, caller) => {
      const kind: SessionKind = caller.session?.kind ?? 'long-term';
      if (!ALLOWED[action]!.includes(kind)) {
        throw StsErrors.sessionCredentials(action);
      }
      return run(ctx, caller);
    },
  };
}

/** STS actions (Version 2011-06-15). */
export const stsOperations: OperationTable = {
  AssumeRole: signed('AssumeRole', assumeRole),
  GetCallerIdentity: signed('GetCallerIdentity', getCallerIdentity),
  GetSessionToken: signed('GetSessionToken', getSessionToken),
  GetFederationToken: signed('GetFederationToken', getFederationToken),
  GetAccessKeyInfo: signed('GetAccessKeyInfo', getAccessKeyInfo),
  AssumeRoleWithWebIdentity: { auth: 'none', run: assumeRoleWithWebIdentity },
  GetWebIdentityToken: signed('GetWebIdentityToken', getWebIdentityToken),
  DecodeAuthorizationMessage: signed('DecodeAuthorizationMessage', decodeAuthorizationMessage),
};
