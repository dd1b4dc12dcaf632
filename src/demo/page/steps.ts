/**
 * The walkthrough: "What happens when you assume a role?" in five steps, each with a button that
 * does it live in the playground below.
 */
import { CLASSIC, type Setup } from './setup.ts';
import type { Ids } from './decide.ts';

export interface StepContext {
  apply(setup: Setup): void;
  current(): Setup;
  ids: Ids;
  assume(options?: { wrongSecret?: boolean }): Promise<void>;
  focus(id: string): void;
  /**
   * Scrolls the playground to an element (the Result, an editor) so its answer is in view; the
   * Result again once the call has answered, since the answer is taller than "Calling STS…".
   */
  show(id: string): void;
  /** The sandbox's users and roles, listed with the IAM API (ListUsers, ListRoles). */
  /** Or why they cannot be listed. */
  identities(): Promise<{ users: string[]; roles: string[] } | string>;
}

export interface Step {
  title: string;
  text: string;
  action: string;
  /** Does the step in the playground; may return a sentence to show next to the button. */
  run(ctx: StepContext): string | void | Promise<string>;
}

const userTrust = (account: string) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Service: 'ec2.amazonaws.com',
            AWS: `arn:aws:iam::${account || 'ACCOUNT'}:user/admin`,
          },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    null,
    2,
  );

export const STEPS: Step[] = [
  {
    title: '1. Identities and principals',
    text: 'IAM identities (users, groups, roles) identify and group; users and roles are the entities AWS authenticates. A principal is whoever makes a request: the root user, an IAM user, a role session, a federated user, or an AWS service.',
    action: 'List my identities and principals',
    async run(ctx) {
      const found = await ctx.identities();
      ctx.focus('caller');
      const identities =
        typeof found === 'string'
          ? `Your sandbox's identities cannot be listed: ${found}`
          : `Identities in your sandbox (ListUsers, ListRoles): users ${found.users.join(', ')}; roles ${found.roles.join(', ')}.`;
      return `${identities} Principals are who makes a request: the Caller list holds two of those users, a user of another account, the EC2 service, your root user, a session of a role and a GitHub workflow.`;
    },
  },
  {
    title: '2. Authentication, then authorization',
    text: 'Every call is first authenticated (the caller proves who it is: here a SigV4 signature made with its secret key), then authorized (policies allow or deny the action on the resource).',
    action: 'Sign with a wrong secret key',
    run(ctx) {
      ctx.apply({ ...ctx.current(), caller: 'admin' });
      ctx.show('result');
      void ctx.assume({ wrongSecret: true }).then(() => ctx.show('result'));
      return 'STS rejects the signature before looking at any policy: SignatureDoesNotMatch, an authentication failure, not AccessDenied.';
    },
  },
  {
    title: '3. Identity-based and resource-based policies',
    text: 'An identity-based policy says what an identity may do (Action, Resource, Effect). A resource-based policy, attached to a resource, says who may act on it: it names a Principal. A role\u2019s trust policy is a resource-based policy on the role.',
    action: 'Put a Principal in the permissions',
    run(ctx) {
      const s = ctx.current();
      ctx.apply({
        ...s,
        permissions: JSON.stringify(
          {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
          },
          null,
          2,
        ),
      });
      ctx.show('permissions-editor');
      return 'The Permissions policy editor now shows IAM\u2019s refusal, underlined and listed under it: an identity-based policy must not name a principal.';
    },
  },
  {
    title: '4. Permissions and the trust relationship',
    text: 'A role has permission policies (what its sessions may do) and a trust relationship (who may assume it, under which conditions). The classic EC2 role trusts only the EC2 service, so even your admin user cannot assume it.',
    action: 'Assume the EC2 role as admin',
    run(ctx) {
      ctx.apply({ ...CLASSIC, caller: 'admin' });
      ctx.show('result');
      void ctx.assume().then(() => ctx.show('result'));
      return 'Denied by the trust policy. Add your user to it (step 5 does), then assume again.';
    },
  },
  {
    title: '5. Temporary credentials, limited in time',
    text: 'Assuming a role means STS issues temporary credentials to a principal the trust relationship names, valid up to the role\u2019s maximum session duration (here one hour; sandboxes cap every session at one hour).',
    action: 'Trust admin and assume the role',
    run(ctx) {
      ctx.apply({
        ...ctx.current(),
        trust: userTrust(ctx.ids.account),
        caller: 'admin',
        duration: 3600,
      });
      ctx.show('result');
      void ctx.assume().then(() => ctx.show('result'));
      return 'Allowed: the Result shows the session\u2019s ARN and credentials counting down to their expiry. Try a duration of 7200 seconds: STS refuses it, the role\u2019s maximum is 3600.';
    },
  },
];
