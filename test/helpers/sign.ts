import { exports } from 'cloudflare:workers';
import { signedRequest } from './aws.ts';

export interface QueryCredentials {
  service: 'sts' | 'iam';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region?: string;
}

/**
 * Sends a SigV4-signed AWS query request (form body, Version for the service) to the Worker under
 * test, the way the AWS CLI would, and returns the raw response.
 */
export async function signedQuery(
  params: Record<string, string>,
  options: QueryCredentials,
): Promise<Response> {
  const request = await signedRequest(
    params,
    {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
    },
    { service: options.service, region: options.region },
  );
  return exports.default.fetch(request);
}
