/** How long a demo sandbox lives (docs/demo.md): the account and everything stored under it. */
export const SANDBOX_LIFETIME_MS = 24 * 3600 * 1000;
/** The longest session a sandbox issues (AssumeRole, GetSessionToken, GetFederationToken). */
export const SANDBOX_SESSION_MS = 3600 * 1000;
