import type { JSONWebKeySet } from 'jose';
import { concatBytes } from '../auth/encoding.ts';
import { WebIdentityErrors } from '../protocol/errors.ts';
import { setBounded } from '../store/bounded-map.ts';
import { parseJwks } from './jwks.ts';

/**
 * The keys of outside OIDC issuers, found the way AWS STS finds them ("Create an OpenID Connect
 * (OIDC) identity provider in IAM": the issuer's `/.well-known/openid-configuration`, then its
 * `jwks_uri`), cached per isolate. The cache is only a cache: bounded in bytes and entries, and an
 * entry lives at most TTL_MS. A token naming a key id the cached set lacks makes one refetch (keys
 * rotate), at most once per REFETCH_MS per issuer, so junk tokens cannot turn into a fetch each.
 *
 * A load that failed is remembered as failed for REFETCH_MS too: tokens naming an issuer that is down
 * (or that answers junk) get its error again without a fetch each.
 *
 * Only registered providers are fetched (the caller found the token's issuer among the role
 * account's OIDC providers). Limits, per load: one discovery document and one JWKS of at most
 * MAX_DOCUMENT_BYTES each, over https only (redirects too, at most MAX_REDIRECTS of them), each
 * fetch abandoned after FETCH_TIMEOUT_MS.
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
export const CACHE_BYTES = 512 * 1024;
export const TTL_MS = 10 * 60_000;
export const REFETCH_MS = 30_000;
export const FETCH_TIMEOUT_MS = 5_000;
export const MAX_REDIRECTS = 3;
/** Issuers remembered as failing, per isolate (oldest forgotten first). */
export const MAX_FAILED = 1024;

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

interface Entry {
  jwks: JSONWebKeySet;
  bytes: number;
  fetchedAt: number;
}

export class RemoteJwks {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly failed = new Map<string, { error: unknown; at: number }>();
  private bytes = 0;

  constructor(
    private readonly fetcher: Fetcher,
    private readonly limits = { cacheBytes: CACHE_BYTES, ttlMs: TTL_MS, refetchMs: REFETCH_MS },
  ) {}

  /**
   * The issuer's key set. `stale` asks for a fresh copy (the cached one lacked the token's key id):
   * honoured only when the cached copy is older than the refetch interval.
   */
  async keys(issuer: string, now: number, stale = false): Promise<JSONWebKeySet> {
    const hit = this.entries.get(issuer);
    const fresh = hit && now - hit.fetchedAt < this.limits.ttlMs;
    const mayRefetch = !hit || now - hit.fetchedAt >= this.limits.refetchMs;
    if (hit && fresh && !(stale && mayRefetch)) {
      this.entries.delete(issuer);
      this.entries.set(issuer, hit);
      return hit.jwks;
    }
    const failure = this.failed.get(issuer);
    if (failure !== undefined) {
      if (now - failure.at < this.limits.refetchMs) {
        if (hit && fresh) return hit.jwks;
        throw failure.error;
      }
      this.failed.delete(issuer);
    }
    let load = this.pending.get(issuer);
    if (!load) {
      load = this.load(issuer, now)
        .catch((error: unknown) => {
          this.fail(issuer, error, now);
          throw error;
        })
        .finally(() => this.pending.delete(issuer));
      this.pending.set(issuer, load);
    }
    return (await load).jwks;
  }

  /** Bytes held now (for tests and the documented limits). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private async load(issuer: string, now: number): Promise<Entry> {
    const discovery = await this.getJson(
      `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    );
    const jwksUri =
      discovery.json !== null && typeof discovery.json === 'object' && 'jwks_uri' in discovery.json
        ? discovery.json.jwks_uri
        : undefined;
    if (typeof jwksUri !== 'string' || !/^https:\/\//i.test(jwksUri)) {
      throw WebIdentityErrors.unreachable();
    }
    const fetched = await this.getJson(jwksUri);
    const jwks = parseJwks(fetched.json);
    if (jwks === null) throw WebIdentityErrors.unusableKeys();
    const entry: Entry = { jwks, bytes: fetched.bytes + issuer.length, fetchedAt: now };
    this.store(issuer, entry);
    return entry;
  }

  private fail(issuer: string, error: unknown, now: number): void {
    setBounded(this.failed, issuer, { error, at: now }, MAX_FAILED);
  }

  private store(issuer: string, entry: Entry): void {
    const old = this.entries.get(issuer);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(issuer);
    }
    this.entries.set(issuer, entry);
    this.bytes += entry.bytes;
    while (this.bytes > this.limits.cacheBytes && this.entries.size > 0) {
      const [oldest, e] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= e.bytes;
    }
  }

  /**
   * GET one JSON document over https, bounded in time (all redirects included) and size; any
   * failure is IDPCommunicationError.
   */
  private async getJson(url: string): Promise<{ json: unknown; bytes: number }> {
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    let res: Response | undefined;
    let target = url;
    for (let hop = 0; ; hop++) {
      if (!/^https:\/\//i.test(target)) throw WebIdentityErrors.unreachable();
      try {
        res = await this.fetcher(target, {
          method: 'GET',
          headers: { accept: 'application/json' },
          redirect: 'manual',
          signal,
        });
      } catch {
        throw WebIdentityErrors.unreachable();
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status > 399 || location === null) break;
      await res.body?.cancel();
      if (hop === MAX_REDIRECTS) throw WebIdentityErrors.unreachable();
      try {
        target = new URL(location, target).href;
      } catch {
        throw WebIdentityErrors.unreachable();
      }
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw WebIdentityErrors.unreachable();
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_DOCUMENT_BYTES) {
      await res.body.cancel();
      throw WebIdentityErrors.unreachable();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > MAX_DOCUMENT_BYTES) throw WebIdentityErrors.unreachable();
        chunks.push(chunk);
      }
      const text = new TextDecoder().decode(concatBytes(...chunks));
      return { json: JSON.parse(text), bytes: size };
    } catch {
      throw WebIdentityErrors.unreachable();
    }
  }
}

/** The isolate's cache of outside issuers' keys. */
export const remoteJwks = new RemoteJwks((url, init) => fetch(url, init));
