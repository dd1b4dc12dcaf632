import type { Constraints } from '../../protocol/constraints.ts';
import { Errors } from '../../protocol/errors.ts';
import type { QueryParams } from '../../protocol/query.ts';
import {
  InvalidMarkerError,
  type EntityKind,
  type EntityTypes,
  type IamStore,
} from '../../store/types.ts';
import { IAM } from './constraints.ts';

export interface Paging {
  marker?: string;
  maxItems: number;
  /** End the page once its items reach this many characters of JSON (after at least one item). */
  maxChars?: number;
}

/**
 * Characters of records (as JSON) a page of the List actions whose items can be large holds:
 * GetAccountAuthorizationDetails, ListRoles, ListUsers, ListGroups. "IAM might return fewer than the
 * MaxItems number of results even when there are more results available" (IAM API Reference,
 * MaxItems): a page ends after the item that brings it to this size, with IsTruncated and a Marker
 * that resumes right after that item. 1000 roles of 10 KB inline policies and 50 tags are about
 * 30 MB of records. An object so that tests can lower it.
 */
export const LIST_PAGE = { chars: 1_000_000 };

/** Marker (1-320) and MaxItems (1-1000, default 100), as every IAM List* action takes them. */
export function readPaging(params: QueryParams, v: Constraints): Paging {
  const marker = params.get('Marker');
  const maxItems = params.integer('MaxItems');
  v.length('marker', marker, 1, 320)
    .pattern('marker', marker, IAM.marker.re, IAM.marker.shown)
    .range('maxItems', maxItems, 1, 1000);
  return { marker, maxItems: maxItems ?? 100 };
}

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
  /** With `maxChars`: the characters of the page's items as JSON. */
  chars?: number;
}

// Markers are opaque to clients; ours is the sort key of the last item returned, base64.
const encode = (key: string) => btoa(String.fromCharCode(...new TextEncoder().encode(key)));
function decode(marker: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(marker), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw Errors.invalidMarker();
  }
}

/** Pages a list sorted by `key` (IAM lists are ordered by name, case-insensitively). */
export function paginate<T>(items: T[], key: (item: T) => string, paging: Paging): Page<T> {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const after = paging.marker === undefined ? undefined : decode(paging.marker);
  const start = after === undefined ? 0 : sorted.findIndex((i) => key(i) > after);
  const rest = start < 0 ? [] : sorted.slice(start);
  let page = rest.slice(0, paging.maxItems);
  let chars: number | undefined;
  if (paging.maxChars !== undefined) {
    chars = 0;
    for (let i = 0; i < page.length; i++) {
      chars += JSON.stringify(page[i]).length;
      if (chars >= paging.maxChars) {
        page = page.slice(0, i + 1);
        break;
      }
    }
  }
  const isTruncated = rest.length > page.length;
  return {
    items: page,
    isTruncated,
    marker: isTruncated ? encode(key(page[page.length - 1]!)) : undefined,
    chars,
  };
}

/** `IsTruncated` and `Marker` as list results carry them (Marker only when truncated). */
export function pageFields<T>(page: Page<T>): { IsTruncated: boolean; Marker?: string } {
  return { IsTruncated: page.isTruncated, Marker: page.marker };
}

/**
 * One page of an entity kind straight from the store: Marker and MaxItems pass through, so a page
 * costs the store's bounded page of reads however many entities the account holds. `keep` filters
 * further (ListPolicies' OnlyAttached); a page it thins out is topped up from the next store pages,
 * a few at most, after which it may hold fewer than MaxItems items (IAM's own lists may, too).
 */
export async function storePage<K extends EntityKind>(
  store: IamStore,
  account: string,
  kind: K,
  paging: Paging,
  pathPrefix?: string,
  keep: (item: EntityTypes[K]) => boolean = () => true,
): Promise<Page<EntityTypes[K]>> {
  const items: EntityTypes[K][] = [];
  let marker = paging.marker;
  let chars = 0;
  const { maxChars } = paging;
  try {
    for (let round = 0; round < STORE_PAGES_PER_PAGE; round++) {
      const page = await store.list(account, kind, {
        marker,
        maxItems: paging.maxItems - items.length,
        pathPrefix,
        maxChars: maxChars === undefined ? undefined : maxChars - chars,
      });
      items.push(...page.items.filter(keep));
      chars += page.chars ?? 0;
      marker = page.marker;
      if (marker === undefined || items.length === paging.maxItems) break;
      if (maxChars !== undefined && chars >= maxChars) break;
    }
  } catch (e) {
    if (e instanceof InvalidMarkerError) throw Errors.invalidMarker();
    throw e;
  }
  return {
    items,
    isTruncated: marker !== undefined,
    marker,
    chars: maxChars === undefined ? undefined : chars,
  };
}

const STORE_PAGES_PER_PAGE = 3;

/** Records one step of forEachEntity holds: a few MB at most, whatever the account holds. */
export const VISIT_PAGE = 250;

/**
 * Visits every entity of a kind in the account, one store page of VISIT_PAGE records at a time, so
 * only that page is held, never the whole kind (the account quotas bound the pages, not their
 * records' size: 5000 users of 50 tags each are about 100 MB of records). Only for what must see them
 * all (group members, ListEntitiesForPolicy, ListOpenIDConnectProviders, AWS managed policy usage
 * counts); `visit` keeps what it needs.
 */
export async function forEachEntity<K extends EntityKind>(
  store: IamStore,
  account: string,
  kind: K,
  visit: (item: EntityTypes[K]) => void | Promise<void>,
): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await store.list(account, kind, { marker, maxItems: VISIT_PAGE });
    for (const item of page.items) await visit(item);
    marker = page.marker;
  } while (marker);
}

/**
 * The positions `[start, end)` of one page of `total` results computed in order (SimulatePolicy's
 * EvaluationResults): the marker is the last position returned, so a page computes only its own.
 */
export function indexPage(
  total: number,
  paging: Paging,
): { start: number; end: number; isTruncated: boolean; marker?: string } {
  let start = 0;
  if (paging.marker !== undefined) {
    const last = decode(paging.marker);
    if (!/^\d{1,9}$/.test(last)) throw Errors.invalidMarker();
    start = Number(last) + 1;
  }
  start = Math.min(start, total);
  const end = Math.min(total, start + paging.maxItems);
  const isTruncated = end < total;
  return { start, end, isTruncated, marker: isTruncated ? encode(String(end - 1)) : undefined };
}

/** The marker of an index page that ends after position `last` (a page cut short: see simulation). */
export function indexMarker(last: number): string {
  return encode(String(last));
}
