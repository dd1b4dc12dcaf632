import { authorize } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import { Constraints } from '../protocol/constraints.ts';
import { AwsError } from '../protocol/errors.ts';
import type { XmlObject } from '../protocol/xml.ts';

/**
 * DecodeAuthorizationMessage (STS API Reference): decodes the encoded authorization message some AWS
 * operations return with a 403. rolecall's own denials are plain `AccessDenied` messages and it
 * never returns an encoded one, so no message is one it issued: once the caller may call the action
 * (`sts:DecodeAuthorizationMessage`, no resource type, so on `*`), every message is answered with the
 * action's one error, `InvalidAuthorizationMessageException`, never a made-up decoding.
 */
export async function decodeAuthorizationMessage(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const message = ctx.params.require('EncodedMessage');
  new Constraints().length('encodedMessage', message, 1, 10240).check();
  await authorize(
    { store: ctx.store, caller, info: ctx.info },
    { action: 'sts:DecodeAuthorizationMessage', resource: '*' },
  );
  throw new AwsError(
    'InvalidAuthorizationMessageException',
    'The message is not an encoded authorization message issued by this service.',
    400,
  );
}
