import { timingSafeEqual } from '../auth/keys.ts';
import {
  authenticate,
  readAuthentication,
  requireSignature,
  type SignedRequest,
} from '../caller/authenticate.ts';
import { requestedRegion } from '../caller/context.ts';
import type { Caller, RequestInfo } from '../caller/types.ts';
import type { Env } from '../env.ts';
import { authorizeIam } from '../iam/common/authorize.ts';
import { resourceContext } from '../iam/common/resource-context.ts';
import { AwsError, Errors } from '../protocol/errors.ts';
import { QueryParams } from '../protocol/query.ts';
import type { IamStore } from '../store/types.ts';
import type { ResolvedSubject } from './subject.ts';

/**
 * Who is asking (the policy enforcement point): an IAM user or role session that signed the HTTP
 * request with SigV4 (credential scope service `iam`, any region), or, in bearer mode, the holder
 * of the deployment's AUTHZEN_TOKEN, who may ask about any principal of AUTHZEN_ACCOUNT.
 */
export type Pep =
  { kind: 'sigv4'; caller: Caller; info: RequestInfo } | { kind: 'bearer'; account: string };

/** The action AWS requires to ask about another principal's policies (IAM API Reference). */
export const ASK_ACTION = 'iam:SimulatePrincipalPolicy';

/** An IAM authorization's operation parameters: none here (QueryParams is immutable). */
const NO_PARAMS = QueryParams.parse('');

/**
 * Authenticates the request. Every failure is 401 (the AuthZEN HTTPS binding: "the PEP did not
 * properly authenticate to the PDP"), keeping AWS's error code and message so the cause is clear.
 */
export async function authenticatePep(
  env: Env,
  store: IamStore,
  req: SignedRequest,
  info: Omit<RequestInfo, 'region' | 'service'>,
): Promise<Pep> {
  const header = req.headers.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer !== null) {
    const token = env.AUTHZEN_TOKEN;
    const account = env.AUTHZEN_ACCOUNT;
    if (!token || !account || !timingSafeEqual(bearer[1]!, token)) {
      throw Errors.invalidBearerToken();
    }
    return { kind: 'bearer', account };
  }
  try {
    const sig = requireSignature(readAuthentication(req, info.now));
    if (sig.scope.service !== 'iam') throw Errors.wrongService('iam');
    const caller = await authenticate(env, store, sig, info.now);
    return {
      kind: 'sigv4',
      caller,
      info: { ...info, service: 'iam', region: requestedRegion('iam', sig.scope.region) },
    };
  } catch (e) {
    if (e instanceof AwsError && e.status < 500) throw Errors.unauthenticated(e);
    throw e;
  }
}

/**
 * Whether the PEP may ask about this subject; null when it may, else the 403 error. A subject of
 * another account is refused before anything else; then the evaluator decides
 * `iam:SimulatePrincipalPolicy` on the subject's user, role or root ARN with the caller's own
 * policies (the subject's tags as `aws:ResourceTag/...`, as IAM's authorization does).
 */
export async function mayAsk(
  env: Env,
  store: IamStore,
  pep: Pep,
  target: { account: string; entityArn: string; subject?: ResolvedSubject },
): Promise<AwsError | null> {
  const own = pep.kind === 'bearer' ? pep.account : pep.caller.account;
  if (target.account !== own) {
    return Errors.accessDenied(
      `The subject belongs to account ${target.account}; ${pep.kind === 'bearer' ? 'this deployment answers' : 'you may ask'} only about principals of account ${own}.`,
    );
  }
  if (pep.kind === 'bearer') return null;
  const entity = target.subject?.role ?? target.subject?.user ?? null;
  const kind = target.subject?.role ? 'role' : 'user';
  try {
    await authorizeIam(
      { env, store, params: NO_PARAMS, info: pep.info },
      pep.caller,
      ASK_ACTION,
      target.entityArn,
      resourceContext(ASK_ACTION, kind, entity),
    );
    return null;
  } catch (e) {
    if (e instanceof AwsError && e.status === 403) return e;
    throw e;
  }
}
