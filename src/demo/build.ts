/**
 * Builds the demo page (docs/demo.md) into dist/demo: the page's script (CodeMirror 6, aws4fetch and
 * the evaluator from src/policy, bundled and minified by esbuild), its stylesheet and index.html with
 * content-hashed URLs. `npm run build`; prestart/pretest/predev run it, and the output is not committed.
 * Usage: node src/demo/build.ts [outdir]
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const page = join(root, 'src/demo/page');

export async function buildDemo(outdir = join(root, 'dist/demo')): Promise<void> {
  const result = await build({
    entryPoints: [join(page, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    write: false,
    tsconfig: join(page, 'tsconfig.json'),
    logLevel: 'warning',
  });
  const script = result.outputFiles[0].contents;
  const css = await readFile(join(page, 'style.css'));
  const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const names = { script: `app.${hash(script)}.js`, css: `app.${hash(css)}.css` };
  const html = (await readFile(join(page, 'index.html'), 'utf8'))
    .replace('/assets/app.js', `/assets/${names.script}`)
    .replace('/assets/app.css', `/assets/${names.css}`);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(join(outdir, 'assets'), { recursive: true });
  // Each file also precompressed (brotli, gzip): the Worker serves the best the client accepts, so
  // no request spends CPU compressing (routes/demo.ts).
  const variants = (name: string, bytes: Uint8Array) => [
    writeFile(join(outdir, 'assets', name), bytes),
    writeFile(join(outdir, 'assets', `${name}.gz`), gzipSync(bytes, { level: 9 })),
    writeFile(
      join(outdir, 'assets', `${name}.br`),
      brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    ),
  ];
  await Promise.all([
    ...variants(names.script, script),
    ...variants(names.css, css),
    writeFile(join(outdir, 'index.html'), html),
  ]);
}

if (import.meta.filename === process.argv[1]) {
  await buildDemo(process.argv[2] ? resolve(process.argv[2]) : undefined);
}
