/**
 * The playground page (docs/demo.md): wires the editors, the caller, the real AssumeRole against
 * the server, the in-browser decisions, the walkthrough, the examples, permalinks and CLI commands.
 */
import {
  call,
  callUnsigned,
  credentialsOf,
  mintGithubToken,
  loadSandbox,
  PageError,
  simulateOnServer,
  type ApiResult,
  type Keys,
  type Principal,
  type Sandbox,
} from './api.ts';
import { commands, type CliFormat } from './cli.ts';
import {
  callers,
  parseContext,
  run,
  sessionPolicies,
  type CallerInfo,
  type Ids,
  type Outcome,
} from './decide.ts';
import { policyEditor, type Highlight, type PolicyEditor } from './editor.ts';
import { CLASSIC, EXAMPLES, generalize, localize, type CallerId, type Setup } from './setup.ts';
import { decodeSetup, encodeSetup, setupFrom } from './share.ts';
import { STEPS } from './steps.ts';
import { el, fmtDuration, text } from './dom.ts';
import { explain, verdictWords } from './explain.ts';
import { forgetInventory, sandboxHasRole, syncRole } from './sync.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  sandbox: $('sandbox'),
  steps: $<HTMLOListElement>('steps'),
  example: $<HTMLSelectElement>('example'),
  exampleNote: $('example-note'),
  reset: $<HTMLButtonElement>('reset'),
  share: $<HTMLButtonElement>('share'),
  shareStatus: $('share-status'),
  roleName: $<HTMLInputElement>('role-name'),
  roleNote: $('role-note'),
  caller: $<HTMLSelectElement>('caller'),
  callerNote: $('caller-note'),
  externalId: $<HTMLInputElement>('external-id'),
  duration: $<HTMLInputElement>('duration'),
  assume: $<HTMLButtonElement>('assume'),
  trustLive: $('trust-live'),
  result: $('result'),
  action: $<HTMLInputElement>('action'),
  resource: $<HTMLInputElement>('resource'),
  context: $<HTMLTextAreaElement>('context'),
  check: $<HTMLButtonElement>('check'),
  decision: $('decision'),
  cli: $('cli'),
  cliFormat: $<HTMLSelectElement>('cli-format'),
  copyCli: $<HTMLButtonElement>('copy-cli'),
  copyStatus: $('copy-status'),
  said: $('said'),
};

/**
 * Tells screen readers one short sentence (the page's one live region, visually hidden). The same
 * sentence twice is said twice: emptied first, set on the next frame.
 */
function announce(sentence: string): void {
  ui.said.textContent = '';
  requestAnimationFrame(() => (ui.said.textContent = sentence));
}

let sandbox: Sandbox | null = null;
/** The sandbox being fetched (or the last attempt's outcome): what a click waits for. */
let sandboxReady: Promise<Sandbox | null> = Promise.resolve(null);
/** Why there is no sandbox, when there is none (said by the status line and by the Result). */
let sandboxError = '';
/**
 * The account ids the page writes and decides with: the sandbox's, and before it has arrived (or
 * when none can be had) AWS's documentation example ids, so the decisions in the browser work from
 * the first moment; the setup moves onto the sandbox's ids when it arrives (connect).
 */
let ids: Ids = { account: '123456789012', partner: '210987654321' };

/**
 * The first sandbox request leaves before anything is built: creating a sandbox takes the server
 * about as long as building the editors takes the browser, so the two overlap (connect takes it).
 */
let firstSandbox: Promise<Sandbox> | null = loadSandbox();
firstSandbox.catch(() => {}); // connect reports it

const changed = () => schedule();
const editors: Record<'trust' | 'permissions' | 'boundary' | 'session', PolicyEditor> = {
  trust: policyEditor({
    parent: $('trust-editor'),
    label: 'Trust policy',
    kind: 'trust',
    text: CLASSIC.trust,
    onChange: changed,
  }),
  permissions: policyEditor({
    parent: $('permissions-editor'),
    label: 'Permissions policy',
    kind: 'identity',
    text: CLASSIC.permissions,
    onChange: changed,
  }),
  boundary: policyEditor({
    parent: $('boundary-editor'),
    label: 'Permissions boundary',
    kind: 'boundary',
    text: '',
    onChange: changed,
  }),
  session: policyEditor({
    parent: $('session-editor'),
    label: 'Session policy',
    kind: 'session',
    text: '',
    onChange: changed,
  }),
};

performance.mark('rolecall:editors');

// ---- setup <-> controls -------------------------------------------------------------------------

function current(): Setup {
  return {
    roleName: ui.roleName.value.trim(),
    trust: editors.trust.text(),
    permissions: editors.permissions.text(),
    boundary: editors.boundary.text(),
    session: editors.session.text(),
    caller: ui.caller.value as CallerId,
    externalId: ui.externalId.value,
    duration: Number(ui.duration.value) || 3600,
    action: ui.action.value.trim(),
    resource: ui.resource.value.trim(),
    context: ui.context.value,
  };
}

function apply(setup: Setup): void {
  const l = (t: string) => localize(t, ids);
  if (ui.roleName.value !== setup.roleName) ui.roleNote.replaceChildren();
  ui.roleName.value = setup.roleName;
  editors.trust.set(l(setup.trust));
  editors.permissions.set(l(setup.permissions));
  editors.boundary.set(l(setup.boundary));
  editors.session.set(l(setup.session));
  ($('advanced') as HTMLDetailsElement).open = Boolean(
    setup.boundary.trim() || setup.session.trim(),
  );
  ui.caller.value = setup.caller;
  ui.externalId.value = setup.externalId;
  ui.duration.value = String(setup.duration);
  ui.action.value = l(setup.action);
  ui.resource.value = l(setup.resource);
  ui.context.value = l(setup.context);
  update();
}

const roleArn = () => `arn:aws:iam::${ids.account || 'ACCOUNT'}:role/${ui.roleName.value.trim()}`;
/** Inline policy loaded into the Permissions editor, per role: written back under its own name. */
const loadedPolicy = new Map<string, string>();
const permissionsName = () =>
  loadedPolicy.get(ui.roleName.value.trim().toLowerCase()) ??
  (ui.roleName.value.trim() === CLASSIC.roleName ? 'SSMManagedInstance' : 'Permissions');
const callerInfo = (): CallerInfo =>
  callers(ids).find((c) => c.id === ui.caller.value) ?? callers(ids)[0];
const principal = (name: string): Principal | undefined =>
  sandbox?.principals.find((p) => p.name === name);

// ---- live decisions -----------------------------------------------------------------------------

let pending = 0;
function schedule(): void {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(update);
}

function update(): void {
  const setup = current();
  const info = callerInfo();
  remember(setup);
  if (sharedSetup && JSON.stringify(generalizeSetup(setup)) !== sharedSetup) {
    ui.shareStatus.textContent = '';
    sharedSetup = '';
  }
  ui.callerNote.textContent = info.note;
  renderTrustCheck(setup, info);
  renderDecision(setup);
  renderCli(setup, info);
}

/** Statements that applied, as editor highlights, for one policy label. */
const marks = (outcome: Outcome, label: string): Highlight[] =>
  outcome.ok
    ? outcome.decision.matchedStatements
        .filter((m) => m.policy === label)
        .map((m) => ({ statement: m.statement, effect: m.effect }))
    : [];

function trustOutcome(setup: Setup, info: CallerInfo): Outcome {
  const context = parseContext(setup.context);
  if (typeof context === 'string') return { ok: false, message: context };
  if (setup.externalId) context['sts:ExternalId'] = setup.externalId;
  // The token the page mints has an audience even when the context keys name none.
  if (info.id === 'github') {
    context['token.actions.githubusercontent.com:aud'] = githubClaims(setup).audience;
  }
  return run({
    principal: info.principal,
    action: info.action,
    resource: roleArn(),
    policies: { resource: setup.trust, identity: info.identity },
    context,
  });
}

function renderTrustCheck(setup: Setup, info: CallerInfo): void {
  const outcome = trustOutcome(setup, info);
  editors.trust.highlight(marks(outcome, 'resource'));
  ui.trustLive.replaceChildren(
    el(
      'p',
      { class: 'live-title' },
      `Trust check in your browser (${info.action} by ${info.principal}):`,
    ),
    ...explain(outcome, { resource: 'Trust policy', 'identity[0]': "Caller's own policy" }),
  );
}

/** The decision last told to screen readers, and the pending telling (typing settles first). */
let decisionSaid: string | null = null;
let decisionTimer = 0;

/**
 * Announces the decision when it changes, once the visitor has stopped typing for a moment: the
 * verdict only ("Decision: Allowed"); the region has the explanation for who wants it.
 */
function sayDecision(outcome: Outcome): void {
  const words = outcome.ok ? verdictWords(outcome.decision.decision) : 'cannot decide';
  clearTimeout(decisionTimer);
  if (decisionSaid === null) decisionSaid = words; // the page's first decision is not news
  if (words === decisionSaid) return;
  decisionTimer = window.setTimeout(() => {
    decisionSaid = words;
    announce(`Decision: ${words}`);
  }, 800);
}

function renderDecision(setup: Setup): void {
  const context = parseContext(setup.context);
  const session = `arn:aws:sts::${ids.account || 'ACCOUNT'}:assumed-role/${setup.roleName}/playground`;
  const outcome: Outcome =
    typeof context === 'string'
      ? { ok: false, message: context }
      : !setup.action || !setup.resource
        ? { ok: false, message: 'Type an action (e.g. s3:GetObject) and a resource ARN (or *).' }
        : run({
            principal: session,
            action: setup.action,
            resource: setup.resource,
            policies: sessionPolicies(setup),
            context,
          });
  editors.permissions.highlight(marks(outcome, 'identity[0]'));
  editors.boundary.highlight(marks(outcome, 'permissionsBoundary'));
  editors.session.highlight(marks(outcome, 'session[0]'));
  sayDecision(outcome);
  ui.decision.replaceChildren(
    el(
      'p',
      { class: 'live-title' },
      `May ${session} do ${setup.action || '…'} on ${setup.resource || '…'}?`,
    ),
    ...explain(
      outcome,
      {
        'identity[0]': 'Permissions policy',
        permissionsBoundary: 'Permissions boundary',
        'session[0]': 'Session policy',
      },
      {
        'identity[0]': setup.permissions,
        permissionsBoundary: setup.boundary,
        'session[0]': setup.session,
      },
    ),
    // "May it do ssm:*?" reads as "anything in SSM" to a person, as one action named ssm:* to IAM.
    ...(/[*?]/.test(setup.action)
      ? [
          el(
            'p',
            { class: 'hint wildcard' },
            `A request names one action: * and ? are wildcards in policies only, so this asks about an action literally named ${setup.action}. Ask about one action at a time, such as s3:GetObject.`,
          ),
        ]
      : []),
  );
}

// ---- CLI ----------------------------------------------------------------------------------------

const CLI_NAMES: Record<CliFormat, string> = {
  aws: 'AWS CLI commands',
  boto3: 'Python (boto3) script',
  curl: 'curl commands',
};

function renderCli(setup: Setup, info: CallerInfo): void {
  const via =
    info.id === 'chain' || info.id === 'github' ? info.id : info.signs ? 'key' : 'simulate';
  const signer = via === 'key' ? principal(info.id) : undefined;
  const github = via === 'github' ? githubClaims(setup) : undefined;
  const format = ui.cliFormat.value as CliFormat;
  ui.cli.setAttribute('aria-label', CLI_NAMES[format]);
  const before = ui.cli.textContent;
  ui.cli.textContent = commands(format, {
    via,
    account: ids.account || 'ACCOUNT',
    principal: info.principal,
    action: info.action,
    claims: github?.claims,
    audience: github?.audience,
    endpoint: location.origin,
    admin: principal('admin'),
    signer,
    roleArn: roleArn(),
    roleName: setup.roleName,
    permissionsName: permissionsName(),
    trust: setup.trust,
    permissions: setup.permissions,
    session: setup.session,
    externalId: setup.externalId,
    duration: setup.duration,
  });
  // "Copied." was about the commands as they were.
  if (ui.cli.textContent !== before) ui.copyStatus.textContent = '';
}

// ---- assume role against the server -------------------------------------------------------------

let countdown = 0;

/** An exception in words: fetch's TypeError is a server that could not be reached. */
const why = (e: unknown): string =>
  e instanceof TypeError
    ? `the server could not be reached (${e.message}): is rolecall still running?`
    : e instanceof Error
      ? e.message
      : String(e);

const THROTTLED =
  'Too many calls from your network address in the last few seconds: the demo limits each address (as AWS throttles an account). Wait a few seconds and try again.';
const throttled = (r: { code: string; status?: number }): boolean =>
  r.code === 'Throttling' || r.code === 'ThrottlingException' || r.status === 429;

/** An error answer in one line (AWS's code and message), with what to do when it is throttling. */
function inWords(r: { code: string; message: string; status?: number }): string {
  const line = `${r.code}: ${r.message}${/[.!?]$/.test(r.message) ? '' : '.'}`;
  return throttled(r) ? `${line} ${THROTTLED}` : line;
}

function failure(title: string, r: Extract<ApiResult, { ok: false }>, why?: HTMLElement[]): void {
  clearInterval(countdown);
  ui.result.replaceChildren(
    el('p', { class: 'verdict deny' }, `${title}: ${r.code}`),
    el('p', { class: 'server-message' }, r.message),
    ...advice(r),
    ...(why ? [el('p', { class: 'live-title' }, 'Why, according to the evaluator:'), ...why] : []),
  );
}

/** What to do about an error that is not about the policies: throttling, an expired sandbox, typos. */
function advice(r: Extract<ApiResult, { ok: false }>): HTMLElement[] {
  if (throttled(r)) return [el('p', { class: 'advice' }, THROTTLED)];
  if (r.code === 'InvalidClientTokenId' || r.code === 'ExpiredToken') {
    return [
      el(
        'p',
        { class: 'advice' },
        'These keys are no longer valid: your sandbox has probably expired (sandboxes last 24 hours). ',
        newSandboxButton(),
      ),
    ];
  }
  if (r.code === 'InvalidIdentityToken' && /audience/i.test(r.message)) {
    const { audience } = githubClaims(current());
    return [
      el(
        'p',
        { class: 'advice' },
        `The token's audience (aud: ${audience}) must be one of the client IDs of the role's OIDC provider: sts.amazonaws.com for GitHub's. Change or remove token.actions.githubusercontent.com:aud in the context keys (without it the page asks for sts.amazonaws.com).`,
      ),
    ];
  }
  if (r.code === 'ValidationError' && /DurationSeconds/i.test(r.message)) {
    return [el('p', { class: 'advice' }, durationAdvice(r.message))];
  }
  if (r.code === 'MalformedPolicyDocument' && r.message.startsWith('Invalid principal in policy')) {
    const users = sandbox?.principals.filter((p) => p.name !== 'partner') ?? [];
    return [
      el(
        'p',
        { class: 'advice' },
        'IAM checks, when a trust policy is written, that every user and role it names exists (AWS refuses the same policy). ' +
          (users.length > 0
            ? `Your sandbox's users are ${users.map((p) => p.arn).join(' and ')}; `
            : '') +
          `a whole account is arn:aws:iam::${ids.account}:root. Step 1 lists your sandbox's roles.`,
      ),
    ];
  }
  if (r.code === 'MalformedPolicyDocument') {
    const listed = Object.values(editors).flatMap((e) =>
      e.problems().map((p) => el('li', {}, `${e.label}, line ${p.line}: ${p.message}`)),
    );
    if (listed.length > 0) {
      return [
        el('p', { class: 'advice' }, 'The same errors, as the editors show them:'),
        el('ul', { class: 'advice' }, ...listed),
      ];
    }
  }
  return [];
}

/** What to do about a DurationSeconds that STS refused, after its message. */
function durationAdvice(message: string): string {
  if (/role chaining/i.test(message)) {
    return "A session made with another role's credentials (role chaining) lasts at most one hour, whatever the role allows: ask for 900 to 3600 seconds.";
  }
  if (/MaxSessionDuration/.test(message)) {
    return "Duration asks for more than the role's maximum session duration (MaxSessionDuration): the playground creates its roles with 3600 seconds, the most a sandbox session lasts. Ask for 900 to 3600 seconds.";
  }
  return "Duration is in seconds: at least 900 (15 minutes) and at most 43200 (12 hours), and never more than the role's maximum session duration (3600 seconds for the playground's roles).";
}

/** Writes the role as edited (trust, permissions, boundary) with the sandbox admin key. */
async function assume(options: { wrongSecret?: boolean } = {}): Promise<void> {
  const setup = current();
  const info = callerInfo();
  clearInterval(countdown);
  ui.result.replaceChildren(el('p', { class: 'muted' }, 'Calling STS…'));
  ui.assume.disabled = true;
  ui.result.setAttribute('aria-busy', 'true');
  try {
    if (!info.signs) {
      await decideOnServer(setup, info);
      return;
    }
    if (!sandbox) {
      ui.result.replaceChildren(el('p', { class: 'muted' }, 'Preparing your sandbox…'));
      await sandboxReady;
      ui.result.replaceChildren(el('p', { class: 'muted' }, 'Calling STS…'));
    }
    const admin = principal('admin');
    if (!sandbox || !admin) {
      ui.result.replaceChildren(
        el(
          'p',
          { class: 'verdict deny no-sandbox' },
          `No sandbox to call STS in${sandboxError ? `: ${sandboxError}` : '.'} `,
        ),
        el('p', {}, newSandboxButton('Try again')),
      );
      return;
    }
    const refused = await syncRole({
      setup,
      admin,
      account: ids.account,
      permissionsName: permissionsName(),
    });
    if (refused) return failure('IAM refused the role', refused);
    if (info.id === 'github') {
      await assumeWithWebIdentity(setup, admin);
      return;
    }
    let keys: Keys;
    if (info.id === 'chain') {
      const first = await call('sts', admin, {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ids.account}:role/demo-readonly`,
        RoleSessionName: 'playground-chain',
      });
      if (!first.ok) return failure('The first hop (demo-readonly) failed', first);
      keys = credentialsOf(first.xml);
    } else {
      const p = principal(info.id);
      if (!p)
        return failure('No credentials', {
          ok: false,
          status: 0,
          code: 'NoSuchEntity',
          message: `The ${info.id} user is gone from your sandbox.`,
          text: '',
        });
      keys = p;
    }
    if (options.wrongSecret)
      keys = { ...keys, secretAccessKey: `${keys.secretAccessKey.slice(0, -4)}XXXX` };
    const params: Record<string, string> = {
      Action: 'AssumeRole',
      RoleArn: roleArn(),
      RoleSessionName: 'playground',
      DurationSeconds: String(setup.duration),
    };
    if (setup.externalId) params.ExternalId = setup.externalId;
    if (setup.session.trim()) params.Policy = setup.session;
    const r = await call('sts', keys, params);
    if (!r.ok) {
      const why =
        r.code === 'AccessDenied'
          ? explain(trustOutcome(setup, info), {
              resource: 'Trust policy',
              'identity[0]': "Caller's own policy",
            })
          : undefined;
      return failure(
        r.code === 'SignatureDoesNotMatch' ? 'Authentication failed' : 'STS refused',
        r,
        why,
      );
    }
    showCredentials(r, `Signed with ${keys.accessKeyId}`);
  } catch (e) {
    ui.result.replaceChildren(el('p', { class: 'verdict deny' }, `The call failed: ${why(e)}`));
  } finally {
    ui.assume.disabled = false;
    ui.result.removeAttribute('aria-busy');
    // The verdict line only: the credentials and their countdown are for reading, not for hearing.
    const verdict = ui.result.querySelector('.verdict')?.textContent;
    if (verdict) announce(`Result: ${verdict}`);
  }
}

/** The token claims the context field gives as `token.actions.githubusercontent.com:<claim>` keys. */
function githubClaims(setup: Setup): { claims: Record<string, unknown>; audience: string } {
  const context = parseContext(setup.context);
  const prefix = 'token.actions.githubusercontent.com:';
  const claims: Record<string, unknown> = {};
  let audience = 'sts.amazonaws.com';
  if (typeof context === 'string') return { claims, audience };
  for (const [key, value] of Object.entries(context)) {
    if (!key.toLowerCase().startsWith(prefix)) continue;
    const claim = key.slice(prefix.length);
    if (claim === 'aud') audience = String(value);
    else claims[claim] = value;
  }
  return { claims, audience };
}

/** GitHub Actions: a token from the sandbox's test issuer, exchanged with AssumeRoleWithWebIdentity. */
async function assumeWithWebIdentity(setup: Setup, admin: Keys): Promise<void> {
  const context = parseContext(setup.context);
  if (typeof context === 'string') {
    ui.result.replaceChildren(el('p', { class: 'verdict deny' }, context));
    return;
  }
  const { claims, audience } = githubClaims(setup);
  const minted = await mintGithubToken(admin, ids.account, claims, audience);
  if (!minted.ok) {
    return failure('The test issuer refused', {
      ok: false,
      status: 0,
      code: minted.code,
      message: minted.message,
      text: '',
    });
  }
  const params: Record<string, string> = {
    Action: 'AssumeRoleWithWebIdentity',
    RoleArn: roleArn(),
    RoleSessionName: 'github-actions',
    WebIdentityToken: minted.token,
    DurationSeconds: String(setup.duration),
  };
  if (setup.session.trim()) params.Policy = setup.session;
  const r = await callUnsigned(params);
  if (!r.ok) {
    const why =
      r.code === 'AccessDenied'
        ? explain(trustOutcome(setup, callerInfo()), { resource: 'Trust policy' })
        : undefined;
    return failure('STS refused', r, why);
  }
  showCredentials(
    r,
    `Authenticated by an OIDC token (sub ${JSON.stringify(claims.sub ?? '')}) from your sandbox's test issuer`,
  );
}

function showCredentials(r: Extract<ApiResult, { ok: true }>, how: string): void {
  const c = credentialsOf(r.xml);
  const left = el('strong', { class: 'countdown' });
  const tick = () => {
    const ms = Date.parse(c.expiration) - Date.now();
    left.textContent = ms > 0 ? `expires in ${fmtDuration(ms)}` : 'expired';
    if (ms <= 0) clearInterval(countdown);
  };
  tick();
  countdown = window.setInterval(tick, 1000);
  const whoami = el(
    'button',
    { type: 'button' },
    'Who am I? (GetCallerIdentity with these credentials)',
  );
  const who = el('p', { role: 'status' });
  whoami.addEventListener('click', async () => {
    try {
      const id = await call('sts', c, { Action: 'GetCallerIdentity' });
      who.textContent = id.ok
        ? `Authenticated as ${id.xml.getElementsByTagName('Arn')[0]?.textContent}`
        : inWords(id);
    } catch (e) {
      who.textContent = `The call failed: ${why(e)}`;
    }
  });
  // The session's permissions enforced by the server: an IAM call made with these credentials.
  const listRoles = el(
    'button',
    { type: 'button' },
    'List roles with these credentials (iam:ListRoles)',
  );
  listRoles.addEventListener('click', async () => {
    try {
      const r = await call('iam', c, { Action: 'ListRoles' });
      if (r.ok) {
        const roles = [...r.xml.getElementsByTagName('RoleName')].map((e) => e.textContent);
        who.textContent = `Allowed: the session listed ${roles.length} roles (${roles.join(', ')}). Its policies allow iam:ListRoles.`;
      } else {
        who.textContent = inWords(r);
        if (r.code === 'AccessDenied') {
          const ask = el('button', { type: 'button', class: 'inline' }, 'Ask why');
          ask.addEventListener('click', () => {
            ui.action.value = 'iam:ListRoles';
            ui.resource.value = '*';
            update();
            ui.decision.scrollIntoView({ block: 'nearest' });
            ui.decision.focus();
          });
          who.append(
            text(
              " A role's session may do only what its permissions policy allows (within its boundary and session policy). ",
            ),
            ask,
          );
        }
      }
    } catch (e) {
      who.textContent = `The call failed: ${why(e)}`;
    }
  });
  // The credentials for a terminal: the whole session token, which the page shows shortened.
  const copy = el('button', { type: 'button' }, 'Copy as environment variables');
  copy.addEventListener('click', async () => {
    const vars = [
      `export AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY='${c.secretAccessKey}'`,
      `export AWS_SESSION_TOKEN='${c.sessionToken}'`,
    ].join('\n');
    try {
      await navigator.clipboard.writeText(`${vars}\n`);
      who.textContent = `Copied: paste them into a terminal, then aws sts get-caller-identity --endpoint-url ${location.origin}`;
    } catch {
      who.textContent = vars;
    }
  });
  ui.result.replaceChildren(
    el('p', { class: 'verdict allow' }, 'Role assumed'),
    el(
      'dl',
      { class: 'creds' },
      el('dt', {}, 'Assumed-role ARN'),
      el('dd', { class: 'arn' }, c.assumedRoleArn),
      el('dt', {}, 'AssumedRoleId'),
      el('dd', {}, c.assumedRoleId),
      el('dt', {}, 'AccessKeyId'),
      el('dd', {}, c.accessKeyId),
      el('dt', {}, 'SecretAccessKey'),
      el('dd', {}, c.secretAccessKey),
      el('dt', {}, 'SessionToken'),
      el('dd', { class: 'token' }, `${c.sessionToken.slice(0, 48)}…`),
      el('dt', {}, 'Expiration'),
      el('dd', {}, `${c.expiration} `, left),
    ),
    el(
      'p',
      { class: 'hint' },
      `${how} (authentication), allowed by the trust policy (authorization).`,
    ),
    whoami,
    listRoles,
    copy,
    who,
  );
}

async function decideOnServer(setup: Setup, info: CallerInfo): Promise<void> {
  const context = parseContext(setup.context);
  if (typeof context === 'string') {
    ui.result.replaceChildren(el('p', { class: 'verdict deny' }, context));
    return;
  }
  if (setup.externalId) context['sts:ExternalId'] = setup.externalId;
  const answer = await simulateOnServer({
    request: { principal: info.principal, action: info.action, resource: roleArn(), context },
    policies: { resource: setup.trust },
  });
  const error = answer.error as { code: string; message: string } | undefined;
  ui.result.replaceChildren(
    el(
      'p',
      { class: 'hint' },
      `rolecall cannot sign as ${info.principal}; this is the server's decision (POST /v1/simulate) for ${info.action} on ${roleArn()}:`,
    ),
    ...(error
      ? [el('p', { class: 'verdict deny' }, inWords(error))]
      : [
          ...explain(
            { ok: true, decision: answer as unknown as Extract<Outcome, { ok: true }>['decision'] },
            { resource: 'Trust policy' },
          ),
          // The server answers the verdict; the same evaluator's statement-by-statement trace for
          // this caller is the trust check right below.
          el(
            'p',
            { class: 'hint' },
            'Statement by statement: the trust check in your browser, below, asks the same question.',
          ),
        ]),
  );
}

// ---- a role of the sandbox, by name ---------------------------------------------------------------

/**
 * A typed role name that is a role of the sandbox (demo-readonly, from the README, say): says so,
 * and offers to load its policies, since Assume role writes the editors' over them.
 */
async function roleNameChanged(): Promise<void> {
  ui.roleNote.replaceChildren();
  const name = ui.roleName.value.trim();
  await sandboxReady;
  const admin = principal('admin');
  if (!name || !admin || !(await sandboxHasRole(admin, name))) return;
  if (ui.roleName.value.trim() !== name) return;
  const load = el('button', { type: 'button', class: 'inline' }, 'Load its policies');
  load.addEventListener('click', () => void loadRole(name, admin));
  ui.roleNote.replaceChildren(
    text(`${name} is a role of your sandbox. `),
    load,
    text(' Otherwise Assume role replaces its trust policy with the one below.'),
  );
}

const tagText = (xml: Document, tag: string) => xml.getElementsByTagName(tag)[0]?.textContent ?? '';
const documentOf = (xml: Document, tag: string) => {
  const text = decodeURIComponent(tagText(xml, tag));
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

async function loadRole(name: string, admin: Keys): Promise<void> {
  try {
    const role = await call('iam', admin, { Action: 'GetRole', RoleName: name });
    if (!role.ok) throw new Error(inWords(role));
    const inline = await call('iam', admin, { Action: 'ListRolePolicies', RoleName: name });
    const attached = await call('iam', admin, {
      Action: 'ListAttachedRolePolicies',
      RoleName: name,
    });
    if (!inline.ok) throw new Error(inWords(inline));
    if (!attached.ok) throw new Error(inWords(attached));
    const inlineNames = [...inline.xml.getElementsByTagName('member')].map(
      (m) => m.textContent ?? '',
    );
    let permissions = '';
    if (inlineNames[0]) {
      const policy = await call('iam', admin, {
        Action: 'GetRolePolicy',
        RoleName: name,
        PolicyName: inlineNames[0],
      });
      if (!policy.ok) throw new Error(inWords(policy));
      permissions = documentOf(policy.xml, 'PolicyDocument');
      loadedPolicy.set(name.toLowerCase(), inlineNames[0]);
    }
    let boundary = '';
    const boundaryArn = tagText(role.xml, 'PermissionsBoundaryArn');
    if (boundaryArn) {
      const policy = await call('iam', admin, { Action: 'GetPolicy', PolicyArn: boundaryArn });
      const version = policy.ok ? tagText(policy.xml, 'DefaultVersionId') : '';
      const doc = await call('iam', admin, {
        Action: 'GetPolicyVersion',
        PolicyArn: boundaryArn,
        VersionId: version || 'v1',
      });
      if (doc.ok) boundary = documentOf(doc.xml, 'Document');
    }
    const managed = [...attached.xml.getElementsByTagName('PolicyName')].map((m) => m.textContent);
    apply({
      ...current(),
      roleName: name,
      trust: documentOf(role.xml, 'AssumeRolePolicyDocument'),
      permissions,
      boundary,
    });
    const notes = [
      `Loaded ${name}: its trust policy`,
      inlineNames[0] ? `, its inline policy ${inlineNames[0]}` : ', no inline policy',
      boundary ? ' and its permissions boundary' : '',
      '.',
      inlineNames.length > 1
        ? ` Its other inline policies (${inlineNames.slice(1).join(', ')}) are not shown.`
        : '',
      managed.length > 0
        ? ` It also has the managed policies ${managed.join(', ')} attached: they stay attached, and the decisions below do not count them.`
        : '',
    ];
    ui.roleNote.textContent = notes.join('');
  } catch (e) {
    ui.roleNote.textContent = `The role could not be loaded: ${why(e)}`;
  }
}

// ---- walkthrough, examples, share ---------------------------------------------------------------

async function identities(): Promise<{ users: string[]; roles: string[] } | string> {
  await sandboxReady;
  const admin = principal('admin');
  if (!admin) return `There is no sandbox to list${sandboxError ? `: ${sandboxError}` : '.'}`;
  const [users, roles] = await Promise.all([
    call('iam', admin, { Action: 'ListUsers' }),
    call('iam', admin, { Action: 'ListRoles' }),
  ]);
  if (!users.ok) return inWords(users);
  if (!roles.ok) return inWords(roles);
  const list = (xml: Document, tag: string) =>
    [...xml.getElementsByTagName(tag)].map((e) => e.textContent ?? '');
  return { users: list(users.xml, 'UserName'), roles: list(roles.xml, 'RoleName') };
}

function renderSteps(): void {
  for (const step of STEPS) {
    const button = el('button', { type: 'button' }, step.action);
    const out = el('p', { class: 'step-live', role: 'status' });
    button.addEventListener('click', async () => {
      try {
        const said = await step.run({
          apply,
          current,
          ids,
          assume,
          focus: (id) => $(id).focus(),
          show: (id) => $(id).scrollIntoView({ block: 'nearest' }),
          identities,
        });
        if (said) out.textContent = said;
      } catch (e) {
        out.textContent = `The step failed: ${why(e)}`;
      }
    });
    ui.steps.append(el('li', {}, el('h3', {}, step.title), el('p', {}, step.text), button, out));
  }
}

function renderExamples(): void {
  for (const e of EXAMPLES) ui.example.append(el('option', { value: e.id }, e.title));
  ui.example.addEventListener('change', () => {
    const e = EXAMPLES.find((x) => x.id === ui.example.value);
    if (!e) return;
    ui.exampleNote.textContent = e.note;
    apply(e.setup);
  });
  ui.exampleNote.textContent = EXAMPLES[0].note;
  // Choosing the example already chosen is no change: this button starts it over after edits.
  ui.reset.addEventListener('click', () => {
    const e = EXAMPLES.find((x) => x.id === ui.example.value) ?? EXAMPLES[0];
    ui.example.value = e.id;
    ui.exampleNote.textContent = e.note;
    // The address no longer shows the permalink's setup.
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    clearInterval(countdown);
    ui.result.replaceChildren(el('p', { class: 'muted' }, 'The STS answer appears here.'));
    apply(e.setup);
    announce(`Reset to the example: ${e.title}`);
  });
}

function renderCallers(): void {
  const selected = ui.caller.value || CLASSIC.caller;
  ui.caller.replaceChildren(
    ...callers(ids).map((c) => el('option', { value: c.id }, `${c.label}: ${c.principal}`)),
  );
  ui.caller.value = selected;
}

/** A setup with the sandbox's account ids written as placeholders (ACCOUNT, PARTNER). */
function generalizeSetup(setup: Setup): Setup {
  return {
    ...setup,
    trust: generalize(setup.trust, ids),
    permissions: generalize(setup.permissions, ids),
    boundary: generalize(setup.boundary, ids),
    session: generalize(setup.session, ids),
    action: generalize(setup.action, ids),
    resource: generalize(setup.resource, ids),
    context: generalize(setup.context, ids),
  };
}

/**
 * The setup is kept for this tab (sessionStorage) as it changes, so a reload does not lose it; a
 * permalink opened since wins over it.
 */
const KEPT = 'rolecall-playground';

function remember(setup: Setup): void {
  try {
    sessionStorage.setItem(
      KEPT,
      JSON.stringify({
        hash: location.hash,
        example: ui.example.value,
        setup: generalizeSetup(setup),
      }),
    );
  } catch {
    // Storage refused (private mode, quota): a reload starts over, as without it.
  }
}

function recalled(): { example: string; setup: Setup } | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) ?? 'null') as {
      hash?: unknown;
      example?: unknown;
      setup?: unknown;
    } | null;
    if (!kept || kept.hash !== location.hash || !kept.setup || typeof kept.setup !== 'object')
      return null;
    return {
      example: typeof kept.example === 'string' ? kept.example : '',
      setup: setupFrom(kept.setup as Record<string, unknown>),
    };
  } catch {
    return null;
  }
}

/** A permalink that does not decode (cut short when copied, say) is said so, not silently ignored. */
function unreadablePermalink(instead: string): void {
  if (!location.hash.startsWith('#s=')) return;
  ui.shareStatus.textContent = `This permalink could not be read (was it copied whole?): ${instead}.`;
}

/** The setup of the permalink last made: its status line goes once the setup is another. */
let sharedSetup = '';

async function share(): Promise<void> {
  const general = generalizeSetup(current());
  const hash = await encodeSetup(general);
  history.replaceState(null, '', hash);
  sharedSetup = JSON.stringify(general);
  try {
    await navigator.clipboard.writeText(location.href);
    ui.shareStatus.textContent = 'Permalink copied (and in the address bar).';
  } catch {
    ui.shareStatus.textContent = 'Permalink in the address bar.';
  }
}

/** Whether the status line shows the sandbox as expired (null: not shown yet). */
let shownExpired: boolean | null = null;

/**
 * The status line (a live region): rewritten only when its news changes (a new sandbox, expired),
 * so it says when the sandbox goes as a time of day rather than as a countdown read out every minute.
 */
function renderSandbox(): void {
  if (!sandbox) return;
  const expires = Date.parse(sandbox.expiresAt);
  const expired = expires <= Date.now();
  if (expired === shownExpired) return;
  shownExpired = expired;
  const at = new Date(expires).toLocaleString(undefined, {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  ui.sandbox.classList.toggle('error', expired);
  ui.sandbox.replaceChildren(
    text('Your sandbox: account '),
    el('code', { 'data-account': sandbox.account }, sandbox.account),
    text(', second account '),
    el('code', {}, sandbox.partnerAccount),
    ...(!expired
      ? [text(`, deleted on ${at} (24 hours after it was made). `), startOverButton()]
      : [text(', expired and deleted. '), newSandboxButton()]),
  );
}

/**
 * A new sandbox now, the current one left to expire: for a sandbox changed beyond repair (from a
 * terminal, say). The setup moves onto the new accounts, as when a sandbox expires.
 */
function startOverButton(): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'inline' }, 'Start over in a new sandbox');
  button.addEventListener('click', () => {
    ui.sandbox.tabIndex = -1;
    ui.sandbox.focus();
    button.disabled = true;
    const before = sandbox;
    void connect({ fresh: true }).then((s) => {
      if (!s || s === before) return;
      clearInterval(countdown);
      ui.result.replaceChildren(el('p', { class: 'muted' }, 'The STS answer appears here.'));
    });
  });
  return button;
}

/** A button that fetches a sandbox again (a new one once the old one's cookie has expired). */
function newSandboxButton(label = 'Get a new sandbox'): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'inline' }, label);
  button.addEventListener('click', () => {
    // The button goes (or is disabled) as the page moves on: keyboard focus goes to the region that
    // says what happens next rather than falling back to the top of the page.
    const home = button.closest('#result') ? ui.result : ui.sandbox;
    home.tabIndex = -1;
    home.focus();
    button.disabled = true;
    void connect().then((s) => {
      if (s) ui.result.replaceChildren(el('p', { class: 'muted' }, 'The STS answer appears here.'));
    });
  });
  return button;
}

let sandboxTimer = 0;
/** The next attempt after a refusal that said when to retry (Retry-After). */
let retryTimer = 0;

/** Fetches the browser's sandbox (the cookie's, or a new one) and moves the page onto it. */
function connect(options: { fresh?: boolean } = {}): Promise<Sandbox | null> {
  clearTimeout(retryTimer);
  ui.sandbox.classList.remove('error');
  ui.sandbox.textContent = 'Preparing your sandbox…';
  const request = options.fresh ? loadSandbox(true) : (firstSandbox ?? loadSandbox());
  firstSandbox = null;
  const kept = sandbox;
  sandboxReady = request.then(
    (next) => {
      // The setup is written against the sandbox it was made for: placeholders, then the new ids.
      const before = current();
      const general = generalizeSetup(before);
      sandbox = next;
      sandboxError = '';
      ids = { account: next.account, partner: next.partnerAccount };
      forgetInventory();
      shownExpired = null;
      renderSandbox();
      clearInterval(sandboxTimer);
      sandboxTimer = window.setInterval(renderSandbox, 60_000);
      renderCallers();
      apply(general);
      return next;
    },
    (e: unknown) => {
      if (options.fresh && kept) {
        // No new sandbox (the demo's limits, say): the page stays in the one it has.
        shownExpired = null;
        renderSandbox();
        ui.sandbox.append(text(` No new sandbox: ${why(e)}`));
        return kept;
      }
      sandbox = null;
      sandboxError = why(e);
      ui.sandbox.classList.add('error');
      // Refused by a rate limit: the page tries again by itself once the server's wait is over.
      const wait = e instanceof PageError ? e.retryAfter : undefined;
      if (wait) {
        retryTimer = window.setTimeout(() => {
          void connect().then((s) => {
            if (s && ui.result.querySelector('.no-sandbox'))
              ui.result.replaceChildren(
                el('p', { class: 'muted' }, 'The STS answer appears here.'),
              );
          });
        }, wait * 1000);
      }
      ui.sandbox.replaceChildren(
        text(
          `${sandboxError.replace(/^\w/, (c) => c.toUpperCase())} Decisions still work in your browser. ` +
            (wait ? `The page tries again by itself in ${wait} seconds, or now: ` : ''),
        ),
        newSandboxButton('Try again'),
      );
      return null;
    },
  );
  return sandboxReady;
}

async function start(): Promise<void> {
  renderSteps();
  renderExamples();
  renderCallers();
  const kept = recalled();
  if (kept && EXAMPLES.some((e) => e.id === kept.example)) {
    ui.example.value = kept.example;
    ui.exampleNote.textContent = EXAMPLES.find((e) => e.id === kept.example)!.note;
  }
  const shared = kept ? null : await decodeSetup(location.hash);
  apply(kept?.setup ?? shared ?? CLASSIC);
  if (!kept && !shared) unreadablePermalink('the playground opened with its first example');
  for (const input of [
    ui.roleName,
    ui.externalId,
    ui.duration,
    ui.action,
    ui.resource,
    ui.context,
  ]) {
    input.addEventListener('input', changed);
  }
  ui.caller.addEventListener('change', changed);
  ui.roleName.addEventListener('change', () => void roleNameChanged());
  ui.cliFormat.addEventListener('change', changed);
  // A permalink pasted into the address bar of an open page.
  window.addEventListener('hashchange', async () => {
    const setup = await decodeSetup(location.hash);
    if (!setup) return unreadablePermalink('the setup is as it was');
    ui.shareStatus.textContent = '';
    apply(setup);
  });
  ui.check.addEventListener('click', () => {
    update();
    ui.decision.focus();
  });
  ui.decision.tabIndex = -1;
  ui.assume.addEventListener('click', () => void assume());
  ui.share.addEventListener('click', () => void share());
  ui.copyCli.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(ui.cli.textContent ?? '');
      ui.copyStatus.textContent = 'Copied.';
    } catch {
      ui.copyStatus.textContent = 'Select the commands and copy them.';
    }
  });
  await connect();
  document.body.dataset.readyAt = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
}

void start();
