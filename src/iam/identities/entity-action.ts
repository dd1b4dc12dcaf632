import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { ContextValue } from '../../policy/index.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { EntityTypes } from '../../store/types.ts';
import { authorizedIdentity, readIdentityName } from './authorized-identity.ts';
import type { IdentityKind } from './record.ts';

export type Run = (ctx: OperationContext, caller: Caller) => Promise<XmlObject | undefined>;

/** One action on a named role, user or group: its own parameters, condition keys, and what it does. */
export interface EntityAction<T, R> {
  /** The user name is existingUserNameType (1-128) rather than userNameType (1-64) in the model. */
  existing: boolean;
  /** Reads and checks the action's parameters; violations are reported with the name's. */
  read: (ctx: OperationContext, v: Constraints) => T;
  /** Request condition keys the authorization sees (tags, iam:PolicyARN, iam:PermissionsBoundary). */
  context?: (input: T) => Record<string, ContextValue>;
  run: (
    ctx: OperationContext,
    caller: Caller,
    entity: R,
    input: T,
  ) => Promise<XmlObject | undefined>;
}

/** Validates everything, authorizes `iam:<action>` on the entity, then runs the action on it. */
export function entityAction<K extends IdentityKind, T>(
  kind: K,
  action: string,
  spec: EntityAction<T, EntityTypes[K]>,
): Run {
  return async (ctx, caller) => {
    const v = new Constraints();
    const name = readIdentityName(ctx, kind, v, { existing: spec.existing });
    const input = spec.read(ctx, v);
    v.check();
    const entity = await authorizedIdentity(
      ctx,
      caller,
      kind,
      name,
      `iam:${action}`,
      spec.context?.(input),
    );
    return spec.run(ctx, caller, entity, input);
  };
}

export const nothing = (): undefined => undefined;
