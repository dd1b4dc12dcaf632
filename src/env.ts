import type { IamAccount } from './accounts/account-object.ts';
import type { SessionStore } from './sessions/session-store.ts';

/** The Worker's bindings (wrangler.toml). */
export interface Env {
  /** Workers KV: accounts, users, access keys, roles, managed policies, OIDC providers (key schema in docs/internals.md). */
  IAM: KVNamespace;
  /** Durable Objects holding live sessions, sharded by account. */
  SESSIONS: DurableObjectNamespace<SessionStore>;
  /** One Durable Object per account: orders the account's IAM writes, holds its MFA counters. */
  ACCOUNTS: DurableObjectNamespace<IamAccount>;
  /** Base64 of 32 random bytes: seals secrets (AES-GCM) and keys session-token MACs (HKDF). A Worker secret in production. */
  SEAL_KEY: string;
  /** "true" seeds the demo account on first use (local dev only). */
  DEMO_SEED?: string;
  /** Bearer token for POST /admin/v1/apply; the endpoint is disabled when unset. */
  ADMIN_TOKEN?: string;
  /** "true" gives each visitor of the demo page a sandbox account (docs/demo.md). */
  DEMO_SANDBOXES?: string;
  /** The demo page's bundle (Workers static assets, built into dist/demo). */
  ASSETS?: Fetcher;
  /** Per-client-IP limit on sandbox creation (Workers rate limiting binding). */
  DEMO_SANDBOX_LIMIT?: RateLimit;
  /** Per-client-IP limit on API calls made with a sandbox's credentials. */
  DEMO_API_LIMIT?: RateLimit;
  /** Per-client-IP limit on requests that carry no credentials (src/routes/limits.ts). */
  PUBLIC_LIMIT?: RateLimit;
  /** Per-client-IP limit on requests whose credentials were not accepted (src/routes/limits.ts). */
  AUTH_FAILURE_LIMIT?: RateLimit;
  /** "off" turns every rate limit off (a local server used by one CI job, docs/ci.md). */
  RATE_LIMITS?: string;
  /**
   * Set by the local server's entry only (src/local/asset-front.ts), never in wrangler.toml: the
   * address of every local client (src/routes/client-ip.ts).
   */
  LOCAL_CLIENT_IP?: string;
  /**
   * Bearer mode of the AuthZEN API (docs/authzen.md): a Worker secret that lets its holder ask
   * about any principal of AUTHZEN_ACCOUNT without SigV4. Off unless both are set.
   */
  AUTHZEN_TOKEN?: string;
  AUTHZEN_ACCOUNT?: string;
}
