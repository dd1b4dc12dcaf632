/**
 * One rolecall process at a time serves a local state folder. Each account's IAM writes are ordered
 * by that account's Durable Object (src/accounts), and an object is one instance only within one
 * workerd process: two processes on one folder would each run their own instance of an account's
 * object, and their writes could lose each other. So a server claims the folder while it runs
 * (`rolecall-server.json` in it: process id, URL and the admin token of that server, readable by
 * its owner only), another server refuses to start on a claimed folder, and `npm run seed` sends
 * its document to the server that holds the claim (src/seed/cli.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface StateClaim {
  pid: number;
  /** Empty while the server is starting. */
  url: string;
  /** The bearer token of the server's /admin/v1 routes. */
  adminToken: string;
}

const FILE = 'rolecall-server.json';

/** Where a folder's claim is kept. */
export const claimFile = (state: string): string => join(state, FILE);

/** Another live process serves the folder. */
export class StateInUse extends Error {
  readonly claim: StateClaim;
  constructor(state: string, claim: StateClaim) {
    super(
      `${state} is served by another rolecall process (pid ${claim.pid}${claim.url ? `, ${claim.url}` : ''}); ` +
        `stop it first (if no such process runs, delete ${join(state, FILE)})`,
    );
    this.claim = claim;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The claim of a live process on the folder, or null (none, or left behind by a dead process). */
export function liveClaim(state: string): StateClaim | null {
  let claim: StateClaim;
  try {
    claim = JSON.parse(readFileSync(join(state, FILE), 'utf8')) as StateClaim;
  } catch {
    return null;
  }
  return Number.isInteger(claim.pid) && alive(claim.pid) ? claim : null;
}

/**
 * Claims the folder for this process (created exclusively, so two starting servers cannot both
 * win); a claim left by a dead process is replaced. Throws StateInUse when a live one holds it.
 * `adminToken`: the server's own ADMIN_TOKEN when its configuration sets one, else a fresh one.
 */
export function claimState(state: string, adminToken?: string): StateClaim {
  mkdirSync(state, { recursive: true });
  const claim: StateClaim = {
    pid: process.pid,
    url: '',
    adminToken: adminToken ?? randomBytes(32).toString('base64url'),
  };
  const path = join(state, FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify(claim));
      closeSync(fd);
      return claim;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const other = liveClaim(state);
    if (other !== null) throw new StateInUse(state, other);
    rmSync(path, { force: true });
  }
  throw new Error(`could not claim ${state}`);
}

/** Publishes the server's URL once it answers. */
export function announce(state: string, claim: StateClaim): void {
  writeFileSync(join(state, FILE), JSON.stringify(claim), { mode: 0o600 });
}

/** Gives the folder up, if this process still holds it. */
export function releaseState(state: string, claim: StateClaim): void {
  if (liveClaim(state)?.pid === claim.pid) rmSync(join(state, FILE), { force: true });
}
