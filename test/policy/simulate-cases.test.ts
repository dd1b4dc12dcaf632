import { describe, it } from 'vitest';
import type { Decision } from '../../src/policy/index.ts';
import { simulateRoutes } from '../../src/routes/simulate.ts';
import { allCases, expectDecision, expectError } from './cases.ts';

// Every case file through POST /v1/simulate inside workerd.
describe('policy cases through POST /v1/simulate', () => {
  it.each(allCases())('%s', async (_name, c) => {
    const res = await simulateRoutes.request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(c.input),
    });
    if (res.status === 400) {
      const body = (await res.json()) as { error: { code: string; policy?: string } };
      expectError(c, body.error.code, body.error.policy);
      return;
    }
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
    expectDecision(c, (await res.json()) as Decision);
  });
});
