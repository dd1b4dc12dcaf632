import { AwsError } from '../protocol/errors.ts';
import type { WireError } from './types.ts';

/** Only AwsError crosses; anything else is a fault and is rethrown to become InternalFailure. */
export function toWire(e: unknown): { error: WireError } {
  if (!(e instanceof AwsError)) throw e;
  return { error: { code: e.code, message: e.message, status: e.status, type: e.type } };
}

export function fromWire(error: WireError): AwsError {
  return new AwsError(error.code, error.message, error.status, error.type);
}
