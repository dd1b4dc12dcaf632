import { PolicyError } from './errors.ts';

/**
 * The principal making the request, as the request context and the Principal element see it
 * (IAM User Guide: AWS global condition context keys > aws:PrincipalArn, aws:PrincipalType).
 */
export interface RequestPrincipal {
  kind:
    | 'root'
    | 'user'
    | 'role'
    | 'session'
    | 'federatedUser'
    | 'service'
    | 'webIdentity'
    | 'canonical'
    | 'anonymous';
  /** As given. */
  text: string;
  partition: string;
  account?: string;
  /** User name, role name, or federated user name. */
  name?: string;
  /** Role name, lower-cased (role names are unique case-insensitively). */
  roleLower?: string;
  /**
   * The path of a user or role (`/`, `/division/team/`), part of its ARN and so of its identity;
   * for a role session, the path of its role (sessionRolePath), which the session ARN omits.
   */
  path?: string;
  sessionName?: string;
  /** aws:PrincipalArn: the role ARN for a role session. */
  principalArn?: string;
  /** aws:PrincipalType. */
  principalType?: 'Account' | 'User' | 'FederatedUser' | 'AssumedRole' | 'Anonymous';
}

const ARN = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;
const FEDERATED_HOSTS = new Set([
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
]);

export function parsePrincipal(text: string): RequestPrincipal {
  if (text === '*' || text.toLowerCase() === 'anonymous') {
    return { kind: 'anonymous', text, partition: 'aws', principalType: 'Anonymous' };
  }
  if (/^\d{12}$/.test(text)) return root(text, 'aws', text);
  const m = ARN.exec(text);
  if (m !== null) {
    const [, partition, service, account, rest] = m;
    if (service === 'iam') {
      if (rest === 'root') return root(text, partition, account);
      const slash = rest.indexOf('/');
      const type = slash === -1 ? rest : rest.slice(0, slash);
      const name = rest.slice(rest.lastIndexOf('/') + 1);
      const path = rest.slice(slash, rest.lastIndexOf('/') + 1);
      if (slash !== -1 && name !== '') {
        if (type === 'user') {
          return {
            kind: 'user',
            text,
            partition,
            account,
            name,
            path,
            principalArn: text,
            principalType: 'User',
          };
        }
        if (type === 'role') {
          return {
            kind: 'role',
            text,
            partition,
            account,
            name,
            roleLower: name.toLowerCase(),
            path,
            principalArn: text,
            principalType: 'AssumedRole',
          };
        }
        if (type === 'oidc-provider' || type === 'saml-provider') {
          return { kind: 'webIdentity', text, partition };
        }
      }
    } else {
      const parts = rest.split('/');
      if (parts[0] === 'assumed-role' && parts.length === 3 && parts[1] && parts[2]) {
        // The role's path is dropped from the session ARN, so aws:PrincipalArn carries none.
        return {
          kind: 'session',
          text,
          partition,
          account,
          name: parts[1],
          roleLower: parts[1].toLowerCase(),
          path: '/',
          sessionName: parts[2],
          principalArn: `arn:${partition}:iam::${account}:role/${parts[1]}`,
          principalType: 'AssumedRole',
        };
      }
      if (parts[0] === 'federated-user' && parts.length === 2 && parts[1]) {
        return {
          kind: 'federatedUser',
          text,
          partition,
          account,
          name: parts[1],
          principalArn: text,
          principalType: 'FederatedUser',
        };
      }
    }
  }
  if (FEDERATED_HOSTS.has(text.toLowerCase()))
    return { kind: 'webIdentity', text, partition: 'aws' };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/i.test(text)) {
    return { kind: 'service', text, partition: 'aws' };
  }
  if (/^[0-9a-f]{64}$/i.test(text)) return { kind: 'canonical', text, partition: 'aws' };
  throw new PolicyError(
    'InvalidInput',
    `request.principal is not a principal: ${JSON.stringify(text)} (expected an IAM user, role, ` +
      'assumed-role session, federated user or root ARN, an account id, or a service principal)',
  );
}

function root(text: string, partition: string, account: string): RequestPrincipal {
  return {
    kind: 'root',
    text,
    partition,
    account,
    principalArn: `arn:${partition}:iam::${account}:root`,
    principalType: 'Account',
  };
}

/**
 * A role session with the path of its role. The session ARN drops the role's path; the request
 * context's aws:PrincipalArn is the role's ARN with it (AWS global condition context keys), so a
 * Principal naming `role/path/name` matches the sessions of that role and of no namesake on
 * another path. Without that key the role is taken to be on `/`.
 */
export function sessionRolePath(
  principal: RequestPrincipal,
  principalArn: string[] | undefined,
): RequestPrincipal {
  if (principal.kind !== 'session' || principalArn === undefined || principalArn.length !== 1) {
    return principal;
  }
  const arn = principalArn[0];
  const prefix = `arn:${principal.partition}:iam::${principal.account}:role/`;
  const last = arn.lastIndexOf('/');
  if (!arn.startsWith(prefix) || arn.slice(last + 1).toLowerCase() !== principal.roleLower) {
    return principal;
  }
  const path = arn.slice(prefix.length - 1, last + 1);
  return path === principal.path ? principal : { ...principal, path };
}
