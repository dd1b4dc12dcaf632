import type { Constraints } from '../protocol/constraints.ts';
import { AwsError } from '../protocol/errors.ts';
import type { QueryParams } from '../protocol/query.ts';
import type { EntityKind, EntityTypes, IamStore } from '../store/types.ts';
import { IAM } from './constraints.ts';

export interface Paging {
  marker?: string;
  maxItems: number;
}

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
}

// Markers are opaque to clients; ours is the sort key of the last item returned, base64.
const encode = (key: string) => btoa(String.fromCharCode(...new TextEncoder().encode(key)));
function decode(marker: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(marker), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw new AwsError('ValidationError', 'Invalid Marker.', 400);
  }
}

/** Pages a list sorted by `key` (IAM lists are ordered by name, case-insensitively). */
export function paginate<T>(items: T[], key: (item: T) => string, paging: Paging): Page<T> {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const after = paging.marker === undefined ? undefined : decode(paging.marker);
  const start = after === undefined ? 0 : sorted.findIndex((i) => key(i) > after);
  const rest = start < 0 ? [] : sorted.slice(start);
  const page = rest.slice(0, paging.maxItems);
  const isTruncated = rest.length > page.length;
  return {
    items: page,
    isTruncated,
    marker: isTruncated ? encode(key(page[page.length - 1]!)) : undefined,
  };
}

/** `IsTruncated` and `Marker` as list results carry them (Marker only when truncated). */
export function pageFields<T>(page: Page<T>): { IsTruncated: boolean; Marker?: string } {
  return { IsTruncated: page.isTruncated, Marker: page.marker };
}

/** Every entity of a kind in the account. */
export async function listAll<K extends EntityKind>(
  store: IamStore,
  account: string,
  kind: K,
): Promise<EntityTypes[K][]> {
  const out: EntityTypes[K][] = [];
  let marker: string | undefined;
  do {
    const page = await store.list(account, kind, { marker, maxItems: 1000 });
    out.push(...page.items);
    marker = page.marker;
  } while (marker);
  return out;
}
