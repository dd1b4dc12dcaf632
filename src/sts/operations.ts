import type { OperationTable } from '../operation.ts';
import { assumeRole } from './assume-role.ts';
import { getAccessKeyInfo, getCallerIdentity } from './identity.ts';
import { getFederationToken, getSessionToken } from './tokens.ts';

/** STS actions (Version 2011-06-15). */
export const stsOperations: OperationTable = {
  AssumeRole: { auth: 'sigv4', run: assumeRole },
  GetCallerIdentity: { auth: 'sigv4', run: getCallerIdentity },
  GetSessionToken: { auth: 'sigv4', run: getSessionToken },
  GetFederationToken: { auth: 'sigv4', run: getFederationToken },
  GetAccessKeyInfo: { auth: 'sigv4', run: getAccessKeyInfo },
};
