/**
 * The demo page in a real browser (Debian's chromium driven by playwright-core) against the server
 * `npm start` runs: the walkthrough a visitor does, permalinks, sandboxes per visitor, page weight
 * and time to interactive. Screenshots go to test-artifacts/demo/ (not committed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, run, startServer, type Server } from './server.ts';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/demo');
const BUDGET = 300 * 1024;

let server: Server;
let browser: Browser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // This file creates more sandboxes in a minute than a visitor does (10); the limits' own answers
  // are checked below against a server with small limits.
  server = await startServer({
    ratelimits: {
      DEMO_SANDBOX_LIMIT: { namespace_id: '1201', simple: { limit: 100, period: 60 } },
    },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Metrics {
  transferred: number;
  decoded: number;
  domContentLoaded: number;
  interactive: number;
}

interface Visit {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, as they happen. */
  errors: string[];
  account: string;
}

async function visit(url: string, viewport = { width: 1280, height: 900 }): Promise<Visit> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const account = await page.locator('[data-account]').getAttribute('data-account');
  expect(account).toMatch(/^\d{12}$/);
  return { context, page, errors, account: account! };
}

/** The Result region's text once no call is in flight. */
async function settled(page: Page): Promise<string> {
  await page.locator('#result:not([aria-busy])').waitFor();
  return page.getByRole('region', { name: 'Result' }).innerText();
}

/** Replaces an editor's whole text, as typing would. */
async function typeInto(page: Page, name: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const trustNaming = (principal: object) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
    },
    null,
    2,
  );

describe('demo page', () => {
  it('loads within budget, with every control named, and no console errors', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    // Runs in the page (the test project has no DOM types): bytes over the wire for the page and
    // its bundle (not the API calls), and when the page said it was interactive.
    const metrics = await page.evaluate<Metrics>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const bundle = performance.getEntriesByType('resource').filter((r) => r.initiatorType !== 'fetch');
      return {
        transferred: nav.transferSize + bundle.reduce((n, r) => n + r.transferSize, 0),
        decoded: nav.decodedBodySize + bundle.reduce((n, r) => n + r.decodedBodySize, 0),
        domContentLoaded: nav.domContentLoadedEventEnd,
        interactive: Number(document.body.dataset.readyAt),
      };
    })()`);
    await writeFile(`${ARTIFACTS}/metrics.json`, JSON.stringify(metrics, null, 2));
    console.log(
      `demo page: ${metrics.transferred} bytes transferred (${metrics.decoded} decoded), ` +
        `DOMContentLoaded ${metrics.domContentLoaded.toFixed(0)} ms, interactive ${metrics.interactive.toFixed(0)} ms`,
    );
    expect(metrics.transferred).toBeGreaterThan(50_000);
    expect(metrics.transferred).toBeLessThanOrEqual(BUDGET);

    for (const name of ['Trust policy', 'Permissions policy', 'Action', 'Resource']) {
      await expect(page.getByRole('textbox', { name, exact: true }).count()).resolves.toBe(1);
    }
    await expect(page.getByRole('combobox', { name: 'Caller' }).count()).resolves.toBe(1);
    for (const name of ['Assume role', 'Check']) {
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(1);
    }
    for (const name of ['Result', 'Decision']) {
      await expect(page.getByRole('region', { name }).count()).resolves.toBe(1);
    }
    // Keyboard: Tab leaves an editor (it is not captured for indentation).
    await page.getByRole('textbox', { name: 'Trust policy' }).focus();
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate<string>(
        "document.activeElement.closest('#trust-editor') ? 'trapped' : document.activeElement.getAttribute('aria-label') ?? document.activeElement.tagName",
      ),
    ).toBe('Permissions policy');
    // Every region that scrolls (a long policy, the CLI commands) is reached by Tab: it, or what
    // it holds, is in the tab order.
    expect(
      await page.evaluate<string[]>(`[...document.querySelectorAll('*')]
        .filter((e) => {
          const s = getComputedStyle(e);
          return /auto|scroll/.test(s.overflowX + s.overflowY) &&
            (e.scrollHeight > e.clientHeight || e.scrollWidth > e.clientWidth);
        })
        .filter((e) => e.tabIndex < 0 && ![...e.querySelectorAll('*')].some((d) => d.tabIndex >= 0))
        .map((e) => e.parentElement.parentElement.id || e.className)`),
    ).toEqual([]);
    // The classic EC2/SSM role is preloaded.
    const trust = await page.getByRole('textbox', { name: 'Trust policy' }).innerText();
    expect(trust).toContain('ec2.amazonaws.com');
    expect(await page.getByRole('textbox', { name: 'Permissions policy' }).innerText()).toContain(
      'ssmmessages:CreateControlChannel',
    );
    // No deployment secret reaches the page.
    const html = await page.content();
    expect(html).not.toMatch(/SEAL_KEY|ADMIN_TOKEN|cm9sZWNhbGwtbG9jYWwtZGV2ZWxvcG1lbnQta2V5ISE/);
    await page.screenshot({ path: `${ARTIFACTS}/loaded.png`, fullPage: true });
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('walks a visitor from a denied AssumeRole to a working session, and shares the setup', async () => {
    const a = await visit(`${server.url}/`);
    const { page } = a;
    const result = page.getByRole('region', { name: 'Result' });
    const decision = page.getByRole('region', { name: 'Decision' });
    await page.getByRole('combobox', { name: 'Caller' }).selectOption('admin');

    // A trust policy naming someone else: the real AssumeRole is refused, and the page says why.
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${a.account}:user/alice` }),
    );
    await page.getByRole('button', { name: 'Assume role' }).click();
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('AccessDenied');
    const denied = await result.innerText();
    expect(denied).toContain(
      `User: arn:aws:iam::${a.account}:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${a.account}:role/ec2-ssm-instance-role`,
    );
    expect(denied).toContain('does not name the caller');
    await page.screenshot({ path: `${ARTIFACTS}/denied.png`, fullPage: true });

    // An invalid document is flagged inline by the evaluator's validation.
    await typeInto(
      page,
      'Trust policy',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
    );
    await expect
      .poll(() => page.locator('.cm-lintRange-error').count(), { timeout: 5000 })
      .toBeGreaterThan(0);

    // Fixed: the trust policy names the caller; the keyboard presses the button.
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${a.account}:user/admin` }),
    );
    await page.getByRole('button', { name: 'Assume role' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('Role assumed');
    const ok = await result.innerText();
    expect(ok).toContain(`arn:aws:sts::${a.account}:assumed-role/ec2-ssm-instance-role/playground`);
    expect(ok).toMatch(/ASIA[A-Z2-7]{16}/);
    expect(ok).toMatch(/expires in (59 min|1 h 00 min)/);
    // The copy-ready commands do the same from a terminal (Debian's aws CLI, the sandbox's keys).
    const commands = await page.getByLabel('AWS CLI commands').innerText();
    expect(commands).toContain(`--endpoint-url ${server.url}`);
    const cli = await run('/bin/bash', ['-c', `set -e\n${commands}`], {});
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(
      `arn:aws:sts::${a.account}:assumed-role/ec2-ssm-instance-role/playground`,
    );
    // The same as a boto3 script and as curl commands (the query API's XML), pasted and run.
    await page.getByRole('combobox', { name: 'Commands for' }).selectOption('boto3');
    const script = await page.getByLabel('Python (boto3) script').innerText();
    const python = await run('/usr/bin/python3', ['-c', script], {});
    expect(python.stderr).toBe('');
    expect(python.stdout).toContain(
      `arn:aws:sts::${a.account}:assumed-role/ec2-ssm-instance-role/playground until`,
    );
    await page.getByRole('combobox', { name: 'Commands for' }).selectOption('curl');
    const curl = await run(
      '/bin/bash',
      ['-c', `set -e\n${await page.getByLabel('curl commands').innerText()}`],
      {},
    );
    expect(curl.code).toBe(0);
    expect(curl.stdout).toContain(
      `<Arn>arn:aws:sts::${a.account}:assumed-role/ec2-ssm-instance-role/playground</Arn>`,
    );
    await page.getByRole('combobox', { name: 'Commands for' }).selectOption('aws');

    // A decision, instantly as the visitor types, with the deciding statement highlighted.
    await page.getByRole('textbox', { name: 'Action', exact: true }).fill('s3:DeleteObject');
    await page
      .getByRole('textbox', { name: 'Resource', exact: true })
      .fill('arn:aws:s3:::reports/q3.csv');
    await expect.poll(() => decision.innerText()).toContain('Denied (implicit deny)');
    await page.getByRole('textbox', { name: 'Action', exact: true }).fill('s3:GetObject');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => decision.innerText()).toContain('Allowed');
    expect(await decision.innerText()).toContain('applies: allows');
    await expect(page.locator('.cm-decided-allow').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/allowed.png`, fullPage: true });
    // The README's picture (docs/demo.png is a copy): the playground, in one screen.
    const top = await page.evaluate<number>(
      "document.getElementById('playground').getBoundingClientRect().top + window.scrollY",
    );
    await page.screenshot({
      path: `${ARTIFACTS}/playground.png`,
      fullPage: true,
      clip: { x: 0, y: top - 8, width: 1280, height: 1150 },
    });

    // The session's credentials, copied for a terminal, work there.
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.getByRole('button', { name: 'Copy as environment variables' }).click();
    await expect.poll(() => result.innerText()).toContain('Copied: paste them into a terminal');
    const vars = await page.evaluate<string>('navigator.clipboard.readText()');
    const whoami = await run(
      '/bin/bash',
      ['-c', `${vars}aws sts get-caller-identity --endpoint-url ${server.url} --output text`],
      {},
    );
    expect(whoami.stdout).toContain(
      `arn:aws:sts::${a.account}:assumed-role/ec2-ssm-instance-role/playground`,
    );

    // The permalink opens the same setup in another browser context, against its own sandbox.
    await page.getByRole('button', { name: 'Copy permalink' }).click();
    await expect.poll(() => page.url()).toContain('#s=');
    const permalink = page.url();
    const b = await visit(permalink);
    expect(b.account).not.toBe(a.account);
    expect(await b.page.getByRole('textbox', { name: 'Action', exact: true }).inputValue()).toBe(
      's3:GetObject',
    );
    expect(await b.page.getByRole('textbox', { name: 'Resource', exact: true }).inputValue()).toBe(
      'arn:aws:s3:::reports/q3.csv',
    );
    const sharedTrust = await b.page.getByRole('textbox', { name: 'Trust policy' }).innerText();
    expect(sharedTrust).toContain(`arn:aws:iam::${b.account}:user/admin`);
    expect(sharedTrust).not.toContain(a.account);
    await expect
      .poll(() => b.page.getByRole('region', { name: 'Decision' }).innerText())
      .toContain('Allowed');
    await b.page.screenshot({ path: `${ARTIFACTS}/permalink.png`, fullPage: true });

    // Only the deliberate AccessDenied (HTTP 403) shows up in the console; nothing threw.
    expect(a.errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('says so when a permalink cannot be read, rather than show another setup unannounced', async () => {
    const a = await visit(`${server.url}/`);
    await a.page.getByRole('combobox', { name: 'Example' }).selectOption('boundary');
    await a.page.getByRole('button', { name: 'Copy permalink' }).click();
    await expect.poll(() => a.page.url()).toContain('#s=');
    const permalink = a.page.url();
    await a.context.close();
    // Cut short when copied: the page opens with its first example and says why.
    const b = await visit(permalink.slice(0, -12));
    const status = b.page.locator('#share-status');
    expect(await status.innerText()).toBe(
      'This permalink could not be read (was it copied whole?): the playground opened with its first example.',
    );
    expect(await b.page.getByRole('textbox', { name: 'Role name' }).inputValue()).toBe(
      'ec2-ssm-instance-role',
    );
    // The whole one, pasted into the open page, applies (and the complaint goes with it).
    await b.page.evaluate(`location.hash = ${JSON.stringify(new URL(permalink).hash)}`);
    await expect
      .poll(() => b.page.getByRole('textbox', { name: 'Role name' }).inputValue())
      .toBe('bounded-s3-role');
    expect(await status.innerText()).toBe('');
    expect(b.errors).toEqual([]);
    await b.context.close();
  });

  it("uses the session's credentials for a real IAM call, which the role's permissions decide", async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${v.account}:user/admin` }),
    );
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    const list = page.getByRole('button', { name: 'List roles with these credentials' });
    const said = page.locator('#result [role="status"]');
    // The EC2/SSM role's permissions do not allow IAM: the server refuses the session.
    await list.click();
    await expect
      .poll(() => said.innerText())
      .toContain(
        `AccessDenied: User: arn:aws:sts::${v.account}:assumed-role/ec2-ssm-instance-role/playground is not authorized to perform: iam:ListRoles`,
      );
    // ... and the playground says why, statement by statement.
    await page.getByRole('button', { name: 'Ask why' }).click();
    const decision = page.getByRole('region', { name: 'Decision' });
    expect(await decision.innerText()).toContain(
      `May arn:aws:sts::${v.account}:assumed-role/ec2-ssm-instance-role/playground do iam:ListRoles on *?`,
    );
    expect(await decision.innerText()).toContain('Denied (implicit deny)');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('decision');
    // A role whose permissions allow it: the session lists the sandbox's roles.
    await page.getByRole('combobox', { name: 'Example' }).selectOption('chaining');
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    await list.click();
    await expect
      .poll(() => said.innerText())
      .toMatch(/^Allowed: the session listed \d+ roles \(.*chained-auditor/);
    // Throttled (the demo's limits answer as AWS does): said what to do, not only "Rate exceeded".
    await page.route(`${server.url}/`, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 400,
            contentType: 'text/xml',
            body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>',
          })
        : route.continue(),
    );
    await page.getByRole('button', { name: 'Who am I?' }).click();
    await expect
      .poll(() => said.innerText())
      .toBe(
        'Throttling: Rate exceeded. Too many calls from your network address in the last few seconds: the demo limits each address (as AWS throttles an account). Wait a few seconds and try again.',
      );
    await page.unroute(`${server.url}/`);
    expect(v.errors.filter((e) => !/status of 40[03]/.test(e))).toEqual([]);
    await v.context.close();
  });

  it("explains a GitHub Actions refusal with the token's claims as minted", async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    await page.getByRole('combobox', { name: 'Example' }).selectOption('github-oidc');
    const context = page.getByRole('textbox', { name: 'Context keys (JSON)' });
    const claims = await context.inputValue();
    // A wrong audience: STS's words, then which claim to change.
    await context.fill(claims.replace('"sts.amazonaws.com"', '"my-app"'));
    await page.getByRole('button', { name: 'Assume role' }).click();
    let said = await settled(page);
    expect(said).toContain('STS refused: InvalidIdentityToken');
    expect(said).toContain(
      "The token's audience (aud: my-app) must be one of the client IDs of the role's OIDC provider",
    );
    // No claims given: the token still has the default audience, so only sub is missing.
    await context.fill('{}');
    await page.getByRole('button', { name: 'Assume role' }).click();
    said = await settled(page);
    expect(said).toContain('STS refused: AccessDenied');
    expect(said).toContain('Missing condition keys: token.actions.githubusercontent.com:sub');
    expect(said).not.toContain(
      'token.actions.githubusercontent.com:aud ["sts.amazonaws.com"] fails',
    );
    expect(v.errors.filter((e) => !/status of 40[03]/.test(e))).toEqual([]);
    await v.context.close();
  });

  it("points from the server's decision for the EC2 service to the statement-by-statement check", async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    await page.getByRole('combobox', { name: 'Caller' }).selectOption('service');
    await page.getByRole('button', { name: 'Assume role' }).click();
    const said = await settled(page);
    expect(said).toContain("this is the server's decision (POST /v1/simulate)");
    expect(said).toContain('Allowed');
    expect(said).toContain(
      'Statement by statement: the trust check in your browser, below, asks the same question.',
    );
    const check = await page.locator('#trust-live').innerText();
    expect(check).toContain('Trust check in your browser (sts:AssumeRole by ec2.amazonaws.com)');
    expect(check).toContain('Statement by statement');
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('says that a wildcard in the asked action is no wildcard', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    const decision = page.getByRole('region', { name: 'Decision' });
    await page.getByRole('textbox', { name: 'Action', exact: true }).fill('ssm:*');
    await expect.poll(() => decision.innerText()).toContain('Denied (implicit deny)');
    expect(await decision.innerText()).toContain(
      'A request names one action: * and ? are wildcards in policies only, so this asks about an action literally named ssm:*.',
    );
    await page.getByRole('textbox', { name: 'Action', exact: true }).fill('ssm:GetDocument');
    await expect.poll(() => decision.innerText()).toContain('Allowed');
    expect(await decision.innerText()).not.toContain('wildcards');
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('asks for its sandbox before it builds its editors, so the two overlap', async () => {
    const { page, context } = await visit(`${server.url}/`);
    const [asked, built] = await page.evaluate<[number, number]>(`[
      performance.getEntriesByType('resource').find((r) => r.name.endsWith('/demo/v1/sandbox')).startTime,
      performance.getEntriesByName('rolecall:editors')[0].startTime,
    ]`);
    expect(asked).toBeLessThan(built);
    await context.close();
  });

  it("shows the whole answer of a walkthrough step's call, not only its first lines", async () => {
    const { page, context } = await visit(`${server.url}/`);
    await page.getByRole('button', { name: 'Assume the EC2 role as admin' }).click();
    expect(await settled(page)).toContain('STS refused: AccessDenied');
    await expect
      .poll(() =>
        page.evaluate<boolean>(`(() => {
          const r = document.getElementById('result').getBoundingClientRect();
          return r.height < innerHeight && r.top >= 0 && r.bottom <= innerHeight;
        })()`),
      )
      .toBe(true);
    await context.close();
  });

  it('gives a second visitor a different sandbox, and is readable at phone width', async () => {
    const one = await visit(`${server.url}/`);
    const two = await visit(`${server.url}/`, { width: 375, height: 667 });
    expect(two.account).not.toBe(one.account);
    // The same browser keeps its sandbox across reloads (its cookie).
    await one.page.reload();
    await one.page.waitForSelector('body[data-ready="true"]');
    expect(await one.page.locator('[data-account]').getAttribute('data-account')).toBe(one.account);
    const overflow = await two.page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await two.page.screenshot({ path: `${ARTIFACTS}/phone.png`, fullPage: true });
    // A walkthrough step at the top of the page brings its real answer into view.
    await two.page.getByRole('button', { name: 'Sign with a wrong secret key' }).click();
    expect(await settled(two.page)).toContain('Authentication failed: SignatureDoesNotMatch');
    const box = await two.page.getByRole('region', { name: 'Result' }).boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(667);
    // An example from the library, assumed for real: a GitHub Actions OIDC trust, with a token
    // from the sandbox's test issuer; then a branch the trust policy does not allow.
    await one.page.getByRole('combobox', { name: 'Example' }).selectOption('github-oidc');
    const result = one.page.getByRole('region', { name: 'Result' });
    await one.page.getByRole('button', { name: 'Assume role' }).click();
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('Role assumed');
    expect(await result.innerText()).toContain(
      `arn:aws:sts::${one.account}:assumed-role/github-actions-deploy/github-actions`,
    );
    const context = one.page.getByRole('textbox', { name: 'Context keys (JSON)' });
    await context.fill(
      (await context.inputValue()).replace('refs/heads/main', 'refs/heads/feature'),
    );
    await one.page.getByRole('button', { name: 'Assume role' }).click();
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('AccessDenied');
    expect(await result.innerText()).toContain('token.actions.githubusercontent.com:sub');
    expect(one.errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    expect(two.errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    await one.context.close();
    await two.context.close();
  });
});

describe('demo page, for screen readers', () => {
  /** Records what the page's live regions change to (what a screen reader would say), in order. */
  const RECORD = `(() => {
    window.said = [];
    const live = document.querySelectorAll(
      '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]',
    );
    for (const node of live) {
      new MutationObserver(() => {
        const words = node.textContent.trim();
        if (words) window.said.push((node.id || node.getAttribute('role')) + ': ' + words.slice(0, 80));
      }).observe(node, { subtree: true, childList: true, characterData: true });
    }
  })()`;
  const said = (page: Page) => page.evaluate<string[]>('window.said.splice(0)');

  it('says a new decision once, in a few words, and never a countdown', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install({ time: Date.now() });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const account = await page.locator('[data-account]').getAttribute('data-account');
    await page.evaluate(RECORD);
    // Typing an action, key by key: one sentence once the decision has changed and typing stopped.
    const action = page.getByRole('textbox', { name: 'Action', exact: true });
    await action.fill('');
    await action.pressSequentially('iam:CreateUser', { delay: 20 });
    await expect
      .poll(() => page.locator('#said').textContent())
      .toBe('Decision: Denied (implicit deny)');
    expect(await said(page)).toEqual(['said: Decision: Denied (implicit deny)']);
    await action.fill('');
    await action.pressSequentially('ssm:GetDocument', { delay: 20 });
    await expect.poll(() => page.locator('#said').textContent()).toBe('Decision: Allowed');
    await page.waitForTimeout(1000);
    expect(await said(page)).toEqual(['said: Decision: Allowed']);
    // Assume role: the verdict line, not the credentials; then minutes pass with nothing said.
    await page.getByRole('combobox', { name: 'Caller' }).selectOption('admin');
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${account}:user/admin` }),
    );
    await page.waitForTimeout(1500);
    await said(page);
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    await expect.poll(() => page.locator('#said').textContent()).toBe('Result: Role assumed');
    await page.clock.fastForward('05:00');
    await page.waitForTimeout(500);
    expect(await said(page)).toEqual(['said: Result: Role assumed']);
    await context.close();
  });
});

describe('demo page, copying', () => {
  it('says "Copied" only while what was copied is still what the page shows', async () => {
    const v = await visit(`${server.url}/`);
    const { page, context } = v;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.getByRole('button', { name: 'Copy commands' }).click();
    const copied = page.locator('#copy-status');
    await expect.poll(() => copied.innerText()).toBe('Copied.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
      await page.getByLabel('AWS CLI commands').innerText(),
    );
    await page.getByRole('button', { name: 'Copy permalink' }).click();
    const shared = page.locator('#share-status');
    await expect.poll(() => shared.innerText()).toContain('Permalink copied');
    // Another caller: other commands, another setup; neither status is about them.
    await page.getByRole('combobox', { name: 'Caller' }).selectOption('alice');
    await expect.poll(() => copied.innerText()).toBe('');
    await expect.poll(() => shared.innerText()).toBe('');
    expect(v.errors).toEqual([]);
    await context.close();
  });
});

describe('demo page, when things go wrong', () => {
  it('shows what is wrong in a policy where it is, reachable from the keyboard', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    const editor = page.getByRole('textbox', { name: 'Trust policy' });
    const problems = page.getByRole('list', { name: 'Trust policy: problems' });
    // Invalid JSON: underlined on the line, listed under the editor, the editor marked invalid.
    await typeInto(page, 'Trust policy', '{\n  "Version": "2012-10-17"\n  "Statement": []\n}');
    await expect
      .poll(() => problems.innerText())
      .toBe("Line 3: Not valid JSON: Expected ',' or '}' after property value.");
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#trust-editor .cm-lintRange-error').innerText()).toBe('"');
    // Tab reaches the problem; Enter puts the cursor on it, in the editor.
    await editor.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(
      await page.evaluate<string>(
        "`${document.activeElement?.getAttribute('aria-label')}: ${document.getSelection()?.toString()} in ${document.getSelection()?.anchorNode?.parentElement?.closest('.cm-line')?.textContent}`",
      ),
    ).toBe('Trust policy: " in   "Statement": []');
    // A policy grammar error: on the field, in words.
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${v.account}:user/admin` }).replace('"Action"', '"Actions"'),
    );
    await expect.poll(() => problems.innerText()).toContain('"Actions" is not a statement field');
    expect(await page.locator('#trust-editor .cm-lintRange-error').innerText()).toBe('"Actions"');
    // IAM refuses it the same way, and the Result points back at the editor.
    await page.getByRole('button', { name: 'Assume role' }).click();
    const refused = await settled(page);
    expect(refused).toContain('IAM refused the role: MalformedPolicyDocument');
    expect(refused).toContain('Trust policy, line 9: Statement 0: MalformedPolicyDocument');
    // Fixed: the list goes away and the editor is valid again.
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${v.account}:user/admin` }),
    );
    await expect.poll(() => editor.getAttribute('aria-invalid')).toBe('false');
    expect(await problems.isHidden()).toBe(true);
    expect(v.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await v.context.close();
  });

  it('says what to do when STS refuses the duration or IAM a principal that does not exist', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    const duration = page.getByRole('spinbutton', { name: 'Duration (seconds)' });
    const assume = page.getByRole('button', { name: 'Assume role' });
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${v.account}:user/nobody` }),
    );
    await assume.click();
    let said = await settled(page);
    expect(said).toContain(
      `Invalid principal in policy: "AWS":"arn:aws:iam::${v.account}:user/nobody"`,
    );
    expect(said).toContain(
      `Your sandbox's users are arn:aws:iam::${v.account}:user/admin and arn:aws:iam::${v.account}:user/alice; a whole account is arn:aws:iam::${v.account}:root.`,
    );
    await typeInto(
      page,
      'Trust policy',
      trustNaming({ AWS: `arn:aws:iam::${v.account}:user/admin` }),
    );
    // Longer than the role's maximum session duration (AWS's words, then the page's).
    await duration.fill('7200');
    await assume.click();
    said = await settled(page);
    expect(said).toContain(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    expect(said).toContain('Ask for 900 to 3600 seconds.');
    // Shorter than STS allows at all.
    await duration.fill('60');
    await assume.click();
    said = await settled(page);
    expect(said).toContain("Value '60' at 'durationSeconds' failed to satisfy constraint");
    expect(said).toContain('at least 900 (15 minutes) and at most 43200 (12 hours)');
    // Role chaining: one hour at most, whatever the role allows.
    await page.getByRole('combobox', { name: 'Example' }).selectOption('chaining');
    await duration.fill('7200');
    await assume.click();
    said = await settled(page);
    expect(said).toContain('exceeds the 1 hour session limit for roles assumed by role chaining');
    expect(said).toContain('(role chaining) lasts at most one hour');
    expect(v.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await v.context.close();
  });

  it('starts an example over after edits, which choosing it again cannot', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    await page.getByRole('combobox', { name: 'Example' }).selectOption('deny-wins');
    await typeInto(
      page,
      'Permissions policy',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
    );
    await page.getByRole('textbox', { name: 'Action', exact: true }).fill('s3:GetObject');
    await page.getByRole('button', { name: 'Copy permalink' }).click();
    await page.waitForURL(/#s=/);
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    await page.getByRole('button', { name: 'Reset to the example' }).click();
    const permissions = page.getByRole('textbox', { name: 'Permissions policy' });
    expect(await permissions.innerText()).toContain('"Sid": "NeverDelete"');
    expect(await page.getByRole('textbox', { name: 'Action', exact: true }).inputValue()).toBe(
      's3:DeleteObject',
    );
    expect(await page.getByRole('region', { name: 'Result' }).innerText()).toBe(
      'The STS answer appears here.',
    );
    expect(new URL(page.url()).hash).toBe('');
    await expect
      .poll(() => page.locator('#said').innerText())
      .toBe('Reset to the example: A deny that wins');
    // A reload keeps the example as reset.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await permissions.innerText()).toContain('"Sid": "NeverDelete"');
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('starts over in a new sandbox on request, and stays in its own when none can be made', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    await page.getByRole('combobox', { name: 'Example' }).selectOption('cross-account');
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    // Refused (the demo's limit on new sandboxes): the page keeps the sandbox it has.
    await page.route('**/demo/v1/sandbox?fresh=true', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'Retry-After': '60' },
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'ThrottlingException',
            message:
              'Too many sandboxes were created from your network address in the last minute. Wait a minute and try again.',
          },
        }),
      }),
    );
    const status = page.locator('#sandbox');
    await page.getByRole('button', { name: 'Start over in a new sandbox' }).click();
    await expect.poll(() => status.innerText()).toContain('No new sandbox: Too many sandboxes');
    expect(await status.innerText()).toContain(`Your sandbox: account ${v.account}`);
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain(`arn:aws:sts::${v.account}:assumed-role/`);
    // Granted: new accounts, the setup moved onto them, the old answer gone, focus on the status.
    await page.unroute('**/demo/v1/sandbox?fresh=true');
    await page.getByRole('button', { name: 'Start over in a new sandbox' }).click();
    await page.waitForSelector(`[data-account]:not([data-account="${v.account}"])`);
    const next = await page.locator('[data-account]').getAttribute('data-account');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('sandbox');
    expect(await page.getByRole('region', { name: 'Result' }).innerText()).toBe(
      'The STS answer appears here.',
    );
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain(
      `arn:aws:sts::${next}:assumed-role/cross-account-reader/playground`,
    );
    // The cookie names the new one: a reload (or another tab) is in it.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('[data-account]').getAttribute('data-account')).toBe(next);
    expect(v.errors.filter((e) => !/status of 429/.test(e))).toEqual([]);
    await v.context.close();
  });

  it("assumes the role as this tab shows it after another tab changed it, and keeps the tab's setup across a reload", async () => {
    const a = await visit(`${server.url}/`);
    const trust = trustNaming({ AWS: `arn:aws:iam::${a.account}:user/admin` });
    await typeInto(a.page, 'Trust policy', trust);
    await a.page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(a.page)).toContain('Role assumed');
    // A second tab of the same browser: the same sandbox, the classic role written back.
    const tab = await a.context.newPage();
    await tab.goto(`${server.url}/`);
    await tab.waitForSelector('body[data-ready="true"]');
    expect(await tab.locator('[data-account]').getAttribute('data-account')).toBe(a.account);
    await tab.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(tab)).toContain('AccessDenied');
    // The first tab writes its own trust policy again before AssumeRole.
    await a.page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(a.page)).toContain('Role assumed');
    // A reload keeps this tab's setup and its sandbox.
    await a.page.reload();
    await a.page.waitForSelector('body[data-ready="true"]');
    expect(await a.page.locator('[data-account]').getAttribute('data-account')).toBe(a.account);
    expect(await a.page.getByRole('textbox', { name: 'Trust policy' }).innerText()).toContain(
      `arn:aws:iam::${a.account}:user/admin`,
    );
    expect(a.errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    await a.context.close();
  });

  it('takes away the boundary and the permissions policy when their editors are emptied, with no failing call', async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    await page.getByRole('combobox', { name: 'Example' }).selectOption('boundary');
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    const admin = await page.evaluate<string[]>(
      "[...document.getElementById('cli').textContent.matchAll(/AWS_ACCESS_KEY_ID=(\\S+) AWS_SECRET_ACCESS_KEY='([^']+)'/g)][0].slice(1)",
    );
    const role = async () =>
      JSON.parse(
        (
          await aws(server, ['iam', 'get-role', '--role-name', 'bounded-s3-role'], {
            AWS_ACCESS_KEY_ID: admin[0],
            AWS_SECRET_ACCESS_KEY: admin[1],
          })
        ).stdout,
      ).Role as { PermissionsBoundary?: unknown };
    expect((await role()).PermissionsBoundary).toBeDefined();
    // A reload forgets what the page wrote; the role's own state decides what goes.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await typeInto(page, 'Permissions boundary', '');
    await typeInto(page, 'Permissions policy', '');
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('Role assumed');
    expect((await role()).PermissionsBoundary).toBeUndefined();
    const inline = await aws(
      server,
      ['iam', 'list-role-policies', '--role-name', 'bounded-s3-role'],
      {
        AWS_ACCESS_KEY_ID: admin[0],
        AWS_SECRET_ACCESS_KEY: admin[1],
      },
    );
    expect(JSON.parse(inline.stdout).PolicyNames).toEqual([]);
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it("loads a sandbox role's policies when its name is typed, rather than overwrite them unseen", async () => {
    const v = await visit(`${server.url}/`);
    const { page } = v;
    const name = page.getByRole('textbox', { name: 'Role name' });
    await name.fill('demo-readonly');
    await name.press('Tab');
    await page.getByRole('button', { name: 'Load its policies' }).click();
    const note = page.getByRole('status').filter({ hasText: 'Loaded demo-readonly' });
    await expect
      .poll(() => note.innerText())
      .toBe(
        'Loaded demo-readonly: its trust policy, no inline policy. It also has the managed policies ReadOnlyAccess attached: they stay attached, and the decisions below do not count them.',
      );
    expect(await page.getByRole('textbox', { name: 'Trust policy' }).innerText()).toContain(
      `arn:aws:iam::${v.account}:root`,
    );
    // Assumed as the README does, and demo-readonly still works for role chaining afterwards.
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain(
      `arn:aws:sts::${v.account}:assumed-role/demo-readonly/playground`,
    );
    await page.getByRole('combobox', { name: 'Example' }).selectOption('chaining');
    await page.getByRole('button', { name: 'Assume role' }).click();
    expect(await settled(page)).toContain('assumed-role/chained-auditor/playground');
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('waits for the sandbox when Assume role comes first, and offers a new one when it expires', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.clock.install({ time: Date.now() });
    // The sandbox answer is held back until the visitor has pressed Assume role.
    let release = () => {};
    const held = new Promise<void>((done) => (release = done));
    await page.route('**/demo/v1/sandbox', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Assume role' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await expect.poll(() => result.innerText()).toBe('Preparing your sandbox…');
    // Meanwhile the browser's own decisions work (AWS's example account ids until the sandbox's).
    const decision = page.getByRole('region', { name: 'Decision' });
    expect(await decision.innerText()).toContain(
      'May arn:aws:sts::123456789012:assumed-role/ec2-ssm-instance-role/playground do ssm:GetDocument',
    );
    expect(await decision.innerText()).toContain('Allowed');
    release();
    expect(await settled(page)).toContain('STS refused: AccessDenied');
    const first = await page.locator('[data-account]').getAttribute('data-account');
    // A day later the sandbox is gone: the page says so and gets a new one (the browser has dropped
    // the old one's cookie by then: Max-Age).
    await page.clock.fastForward('24:01:00');
    const status = page.getByRole('status').filter({ hasText: 'Your sandbox' });
    await expect.poll(() => status.innerText()).toContain('expired and deleted');
    await context.clearCookies();
    await page.clock.setSystemTime(Date.now());
    await page.getByRole('button', { name: 'Get a new sandbox' }).click();
    await page.waitForSelector(`[data-account]:not([data-account="${first}"])`);
    const next = await page.locator('[data-account]').getAttribute('data-account');
    expect(next).toMatch(/^\d{12}$/);
    // The setup moved to the new sandbox's account.
    expect(await page.getByRole('textbox', { name: 'Resource', exact: true }).inputValue()).toBe(
      `arn:aws:ssm:us-east-1:${next}:document/AWS-RunShellScript`,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when the limit of requests without credentials refuses the page, says so and comes back by itself', async () => {
    const small = await startServer({
      ratelimits: { PUBLIC_LIMIT: { namespace_id: '1203', simple: { limit: 2, period: 10 } } },
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // The page, its stylesheet and its script: the bundle is not counted, so the page starts.
      await page.goto(`${small.url}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await page.locator('[data-account]').count()).toBe(1);
      // Past the limit the page is a short one that says why and when it comes back.
      let refused = false;
      for (let i = 0; i < 3 && !refused; i++) {
        const res = await page.goto(`${small.url}/`);
        refused = res?.status() === 429;
      }
      expect(refused).toBe(true);
      const said = await page.locator('body').innerText();
      expect(said).toContain('Too many requests from your network address');
      expect(said).toMatch(/reloads itself in 10 seconds/);
      // ... and it does: the playground again, with its sandbox, without a click.
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await page.locator('[data-account]').count()).toBe(1);
    } finally {
      await context.close();
      await small.stop();
    }
  });

  it('tries again by itself when a refused sandbox came with a Retry-After', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // The first request gets the demo limit's answer (as src/routes/demo.ts words it, with a
      // short wait); the next ones reach the server.
      let refused = 0;
      await page.route('**/demo/v1/sandbox', async (route) => {
        if (refused++ > 0) return route.continue();
        await route.fulfill({
          status: 429,
          headers: { 'Retry-After': '2', 'Cache-Control': 'no-store' },
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              code: 'ThrottlingException',
              message: 'Too many requests from your network address; wait a few seconds.',
            },
          }),
        });
      });
      await page.goto(`${server.url}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const status = page.locator('#sandbox');
      expect(await status.innerText()).toContain(
        'Too many requests from your network address; wait a few seconds. Decisions still work in your browser. The page tries again by itself in 2 seconds, or now: Try again',
      );
      await page.getByRole('button', { name: 'Assume role' }).click();
      expect(await settled(page)).toContain('No sandbox to call STS in');
      // No click: the sandbox arrives once the wait is over, and the Result forgets its complaint.
      await page.waitForSelector('[data-account]', { timeout: 15_000 });
      expect(await status.innerText()).toMatch(/^Your sandbox: account \d{12}/);
      await expect
        .poll(() => page.getByRole('region', { name: 'Result' }).innerText())
        .toBe('The STS answer appears here.');
    } finally {
      await context.close();
    }
  });

  it('keeps keyboard focus in place when Try again is pressed', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // The first two requests are refused (no Retry-After: no retry by itself), the third passes.
      let refused = 0;
      await page.route('**/demo/v1/sandbox', async (route) => {
        if (refused++ >= 2) return route.continue();
        await route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'ServiceUnavailable', message: 'Not now.' } }),
        });
      });
      await page.goto(`${server.url}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.getByRole('button', { name: 'Assume role' }).click();
      expect(await settled(page)).toContain('No sandbox to call STS in: Not now.');
      const focused = () => page.evaluate<string>('document.activeElement.id');
      // From the Result's button: focus stays in the Result, which says the outcome.
      await page.locator('#result').getByRole('button', { name: 'Try again' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#sandbox').innerText()).toContain('Not now.');
      expect(await focused()).toBe('result');
      // From the status line's: focus on the status line, which then names the sandbox.
      await page.locator('#sandbox').getByRole('button', { name: 'Try again' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-account]', { timeout: 15_000 });
      expect(await focused()).toBe('sandbox');
    } finally {
      await context.close();
    }
  });

  it("says in words when the demo's limits refuse a sandbox or a call", async () => {
    const small = await startServer({
      ratelimits: {
        DEMO_SANDBOX_LIMIT: { namespace_id: '1201', simple: { limit: 1, period: 60 } },
        DEMO_API_LIMIT: { namespace_id: '1202', simple: { limit: 12, period: 10 } },
      },
    });
    const contexts: BrowserContext[] = [];
    let stopped = false;
    try {
      const v = await visit(`${small.url}/`);
      contexts.push(v.context);
      // Sandboxes: another browser past the limit is told why, and can try again.
      let refused: Page | null = null;
      for (let i = 0; i < 3 && !refused; i++) {
        const context = await browser.newContext();
        contexts.push(context);
        const page = await context.newPage();
        await page.goto(`${small.url}/`);
        await page.waitForSelector('body[data-ready="true"]');
        if ((await page.locator('[data-account]').count()) === 0) refused = page;
      }
      expect(refused).not.toBeNull();
      const status = await refused!.locator('#sandbox').innerText();
      // The server's words, then the page's: one plan (it tries again by itself), not two.
      expect(status).toContain(
        'Too many sandboxes were created from your network address in the last minute. Wait a minute and try again. Decisions still work in your browser. The page tries again by itself in 60 seconds, or now: Try again',
      );
      expect(await refused!.getByRole('button', { name: 'Try again' }).count()).toBe(1);
      await refused!.getByRole('button', { name: 'Assume role' }).click();
      expect(await settled(refused!)).toContain('No sandbox to call STS in: Too many sandboxes');
      // "Decisions still work in your browser", as the page says.
      expect(await refused!.getByRole('region', { name: 'Decision' }).innerText()).toContain(
        'Allowed',
      );
      // Calls with the sandbox's keys: refused past the limit with AWS's Throttling.
      let answer = '';
      for (let i = 0; i < 10 && !answer.includes('Throttling'); i++) {
        await v.page.getByRole('button', { name: 'Assume role' }).click();
        answer = await settled(v.page);
      }
      expect(answer).toContain('Throttling');
      expect(answer).toContain('Wait a few seconds and try again.');
      // The server gone: the page says so rather than nothing.
      await small.stop();
      stopped = true;
      await v.page.getByRole('button', { name: 'Assume role' }).click();
      expect(await settled(v.page)).toContain(
        'The call failed: the server could not be reached (Failed to fetch): is rolecall still running?',
      );
      expect(v.errors.filter((e) => !/status of 4\d\d|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
    } finally {
      for (const context of contexts) await context.close();
      if (!stopped) await small.stop();
    }
  });
});
