/** `npm run bench`: every benchmark in sequence, each in its own process so none warms another. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

for (const script of ['evaluator.ts', 'hostile.ts', 'http.ts', 'iam-write.ts', 'bundle.ts']) {
  const code = await new Promise<number | null>((done) => {
    spawn(process.execPath, [resolve(import.meta.dirname, script)], { stdio: 'inherit' }).on(
      'exit',
      done,
    );
  });
  if (code !== 0) process.exit(code ?? 1);
}
