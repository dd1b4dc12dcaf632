import { env } from 'cloudflare:workers';
import { applySeed } from '../../src/seed/apply.ts';
import { seedSchema } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';

/** Extra roles of the demo account for the STS tests, written with the seed (as `npm run seed` does). */
export const trustAdmin = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:user/admin' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
};
export const allowAll = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export async function seed(roles: object[]) {
  await applySeed(
    env,
    new KvIamStore(env.IAM),
    seedSchema.parse({ accounts: [{ id: '123456789012', roles }] }),
    Date.now(),
  );
}
