/**
 * Writes src/seed/seed.schema.json, the JSON Schema of the seed document, generated from the zod
 * schema the Worker validates with (src/seed/schema.ts). Run: `npm run seed:schema`
 * (Node >= 22.18 runs TypeScript directly).
 */
import { writeFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { seedSchema } from './schema.ts';

const schema = {
  ...z.toJSONSchema(seedSchema, { target: 'draft-2020-12', io: 'input' }),
  title: 'rolecall seed document',
  description:
    'The IAM state of one or more accounts, applied idempotently by `npm run seed -- file.json` (local) or POST /admin/v1/apply (deployed).',
};
const out = new URL('./seed.schema.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
