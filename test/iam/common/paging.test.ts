import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { iamArn } from '../../../src/iam/common/arns.ts';
import { forEachEntity, LIST_PAGE, VISIT_PAGE } from '../../../src/iam/common/paging.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import { InvalidMarkerError, type RoleRecord } from '../../../src/store/types.ts';
import { fails, ok, unique, xmlAll, xmlText, TRUST_EC2 } from '../helpers.ts';

/** The KV namespace with its list and get calls counted (a bulk get is one call). */
function counted(kv: KVNamespace) {
  const ops = { list: 0, get: 0, keysRead: 0 };
  const wrapped = new Proxy(kv, {
    get(target, prop) {
      if (prop === 'list') {
        return (options: KVNamespaceListOptions) => {
          ops.list++;
          return target.list(options);
        };
      }
      if (prop === 'get') {
        return (key: string | string[], type: 'json') => {
          ops.get++;
          ops.keysRead += Array.isArray(key) ? key.length : 1;
          return (target.get as (k: string | string[], t: 'json') => Promise<unknown>).call(
            target,
            key,
            type,
          );
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store: new KvIamStore(wrapped),
    ops,
    reset: () => Object.assign(ops, { list: 0, get: 0, keysRead: 0 }),
  };
}

const role = (account: string, name: string, path = '/'): RoleRecord => ({
  name,
  path,
  id: `AROA${name
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(17, 'X')}`,
  arn: iamArn(account, 'role', path, name),
  createDate: 0,
  assumeRolePolicyDocument: TRUST_EC2,
  maxSessionDuration: 3600,
  tags: [],
  inlinePolicies: {},
  attachedPolicies: [],
  version: 1,
});

// More roles than one KV listing holds (1,000 keys), three of them under /needle/.
const ACCT = '710987654321';
const COUNT = 1105;
const names = Array.from({ length: COUNT }, (_, i) => `role-${String(i).padStart(5, '0')}`);
const NEEDLES = new Set(['role-00007', 'role-00500', 'role-01100']);

beforeAll(async () => {
  const store = new KvIamStore(env.IAM);
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(
      names
        .slice(i, i + 50)
        .map((n) =>
          store.put(ACCT, 'role', n, role(ACCT, n, NEEDLES.has(n) ? '/needle/' : '/other/')),
        ),
    );
  }
}, 120_000);

describe('KvIamStore.list pages cost one listing and the reads of the page', () => {
  it('a page of 100 is one KV list and one bulk get of 100 keys, on every page', async () => {
    const { store, ops, reset } = counted(env.IAM);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      reset();
      const page = await store.list(ACCT, 'role', { marker, maxItems: 100 });
      expect(ops).toEqual({ list: 1, get: 1, keysRead: page.items.length });
      seen.push(...page.items.map((r) => r.name));
      marker = page.marker;
      pages++;
    } while (marker);
    expect(pages).toBe(Math.ceil(COUNT / 100));
    expect(seen).toEqual(names);
  });

  it('a small page reads only its own records', async () => {
    const { store, ops } = counted(env.IAM);
    const page = await store.list(ACCT, 'role', { maxItems: 3, pathPrefix: '/other/' });
    expect(page.items.map((r) => r.name)).toEqual(names.slice(0, 3));
    expect(ops).toEqual({ list: 1, get: 1, keysRead: 3 });
  });

  it('visiting every entity is a single pass, a page of VISIT_PAGE records at a time', async () => {
    const { store, ops } = counted(env.IAM);
    const all: RoleRecord[] = [];
    const held: number[] = [];
    let before = 0;
    await forEachEntity(store, ACCT, 'role', (r) => {
      // Records arrive a page at a time: the KV reads so far never run ahead by more than a page.
      held.push(ops.keysRead - before);
      before = all.push(r);
    });
    expect(all.map((r) => r.name)).toEqual(names);
    expect(Math.max(...held)).toBeLessThanOrEqual(VISIT_PAGE);
    expect(ops.list).toBe(Math.ceil(COUNT / VISIT_PAGE));
    expect(ops.keysRead).toBe(COUNT);
  });

  it('PathPrefix filters on key metadata: only the matching records are read', async () => {
    const { store, ops } = counted(env.IAM);
    const page = await store.list(ACCT, 'role', { pathPrefix: '/needle/', maxItems: 100 });
    expect(page.items.map((r) => r.name)).toEqual([...NEEDLES]);
    expect(page.marker).toBeUndefined();
    expect(ops.keysRead).toBe(NEEDLES.size);
    expect(ops.list).toBe(2);
  });

  it('a filtered page resumes after its last item, across KV listings', async () => {
    const { store } = counted(env.IAM);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await store.list(ACCT, 'role', { pathPrefix: '/needle/', maxItems: 1, marker });
      seen.push(...page.items.map((r) => r.name));
      marker = page.marker;
    } while (marker);
    expect(seen).toEqual([...NEEDLES]);
  });

  it('a page bounded by maxChars ends after the record that reaches it, and resumes right after', async () => {
    const size = JSON.stringify(role(ACCT, names[0]!, '/other/')).length;
    for (const perPage of [38, 400]) {
      const maxChars = size * (perPage - 1) + 5;
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await new KvIamStore(env.IAM).list(ACCT, 'role', {
          maxItems: 1000,
          maxChars,
          marker,
        });
        pages++;
        expect(page.items.length).toBeGreaterThan(0);
        const chars = page.items.reduce((n, r) => n + JSON.stringify(r).length, 0);
        expect(page.chars).toBe(chars);
        // Over the bound only by its last record; under it only on the last page.
        expect(chars - JSON.stringify(page.items.at(-1)).length).toBeLessThan(maxChars);
        if (page.marker !== undefined) expect(chars).toBeGreaterThanOrEqual(maxChars);
        seen.push(...page.items.map((r) => r.name));
        marker = page.marker;
      } while (marker && pages < 2000);
      expect(seen).toEqual(names);
      expect(pages).toBe(Math.ceil(COUNT / perPage));
    }
  });

  it('records stored without path metadata are still filtered by their path', async () => {
    const account = '720987654321';
    const store = new KvIamStore(env.IAM);
    await store.put(account, 'role', 'with-meta', role(account, 'with-meta', '/a/'));
    // As written before paths were kept in metadata.
    await env.IAM.put(
      `acct/${account}/role/legacy-a`,
      JSON.stringify(role(account, 'legacy-a', '/a/')),
    );
    await env.IAM.put(
      `acct/${account}/role/legacy-b`,
      JSON.stringify(role(account, 'legacy-b', '/b/')),
    );
    const page = await store.list(account, 'role', { pathPrefix: '/a/' });
    expect(page.items.map((r) => r.name)).toEqual(['legacy-a', 'with-meta']);
  });

  it.each(['garbage', '|', ''])('refuses a marker it did not issue (%j)', async (marker) => {
    const store = new KvIamStore(env.IAM);
    if (marker === '') {
      // An empty marker is "no marker".
      expect((await store.list(ACCT, 'role', { marker, maxItems: 1 })).items).toHaveLength(1);
      return;
    }
    await expect(store.list(ACCT, 'role', { marker, maxItems: 1 })).rejects.toBeInstanceOf(
      InvalidMarkerError,
    );
  });
});

describe('IAM list actions page through the store', () => {
  it('ListRoles answers ValidationError for a marker rolecall did not issue', async () => {
    const a = await fails({ Action: 'ListRoles', Marker: 'not-a-marker' }, 400, 'ValidationError');
    expect(a.message).toBe('Invalid Marker.');
  });

  it('ListRoles with PathPrefix pages in name order, IsTruncated false on the last page', async () => {
    const prefix = `/${unique('pages')}/`;
    const made = ['c', 'a', 'b'].map((n) => `${n}-${prefix.slice(1, -1)}`);
    for (const n of made)
      await ok({
        Action: 'CreateRole',
        RoleName: n,
        Path: prefix,
        AssumeRolePolicyDocument: TRUST_EC2,
      });
    const first = await ok({ Action: 'ListRoles', PathPrefix: prefix, MaxItems: '2' });
    expect(xmlText(first, 'IsTruncated')).toBe('true');
    const second = await ok({
      Action: 'ListRoles',
      PathPrefix: prefix,
      MaxItems: '2',
      Marker: xmlText(first, 'Marker')!,
    });
    expect(xmlText(second, 'IsTruncated')).toBe('false');
    expect(second).not.toContain('<Marker>');
    expect([...xmlAll(first, 'RoleName'), ...xmlAll(second, 'RoleName')]).toEqual([...made].sort());
  });

  it('ListRoles, ListUsers and ListGroups end a page at LIST_PAGE characters of records, each item once', async () => {
    const prefix = `/${unique('sized')}/`;
    const made = ['e', 'c', 'a', 'd', 'b'].map((n) => `${n}-${prefix.slice(1, -1)}`);
    for (const n of made) {
      await ok({
        Action: 'CreateRole',
        RoleName: n,
        Path: prefix,
        AssumeRolePolicyDocument: TRUST_EC2,
      });
      await ok({ Action: 'CreateUser', UserName: n, Path: prefix });
      await ok({ Action: 'CreateGroup', GroupName: n, Path: prefix });
    }
    const saved = LIST_PAGE.chars;
    try {
      for (const [chars, perPage] of [
        [1, 1],
        [saved, 5],
      ] as const) {
        LIST_PAGE.chars = chars;
        for (const [action, element] of [
          ['ListRoles', 'RoleName'],
          ['ListUsers', 'UserName'],
          ['ListGroups', 'GroupName'],
        ]) {
          const seen: string[] = [];
          let marker: string | undefined;
          let pages = 0;
          do {
            const page = await ok({
              Action: action!,
              PathPrefix: prefix,
              MaxItems: '1000',
              ...(marker ? { Marker: marker } : {}),
            });
            pages++;
            expect(xmlAll(page, element!).length).toBe(perPage);
            seen.push(...xmlAll(page, element!));
            marker = xmlText(page, 'Marker');
            expect(xmlText(page, 'IsTruncated')).toBe(String(marker !== undefined));
          } while (marker && pages < 10);
          expect(seen).toEqual([...made].sort());
          expect(pages).toBe(5 / perPage);
        }
      }
    } finally {
      LIST_PAGE.chars = saved;
    }
  });

  it('ListPolicies Scope=All lists AWS managed policies, then local ones, without repeats', async () => {
    const prefix = `/${unique('all')}/`;
    await ok({
      Action: 'CreatePolicy',
      PolicyName: unique('mine'),
      Path: prefix,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    });
    const everything = await ok({ Action: 'ListPolicies', MaxItems: '1000' });
    const arns = xmlAll(everything, 'Arn');
    const paged: string[] = [];
    let marker: string | undefined;
    do {
      const page = await ok({
        Action: 'ListPolicies',
        MaxItems: '7',
        ...(marker ? { Marker: marker } : {}),
      });
      paged.push(...xmlAll(page, 'Arn'));
      marker = xmlText(page, 'IsTruncated') === 'true' ? xmlText(page, 'Marker') : undefined;
    } while (marker);
    expect(paged).toEqual(arns);
    expect(new Set(paged).size).toBe(paged.length);
    const firstLocal = arns.findIndex((a) => !a.startsWith('arn:aws:iam::aws:'));
    expect(arns.slice(firstLocal).every((a) => !a.startsWith('arn:aws:iam::aws:'))).toBe(true);
    expect(arns.some((a) => a.includes(prefix))).toBe(true);
  });
});

describe('markers of long names stay within IAM limits', () => {
  it('pages through groups with 128-character names, every marker at most 320 characters', async () => {
    const stem = unique('g').slice(0, 20);
    const names = [1, 2, 3].map((i) => `${stem}${i}`.padEnd(128, 'x'));
    for (const GroupName of names) await ok({ Action: 'CreateGroup', GroupName });
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const body = await ok({
        Action: 'ListGroups',
        MaxItems: '1',
        ...(marker ? { Marker: marker } : {}),
      });
      seen.push(...xmlAll(body, 'GroupName'));
      marker = xmlText(body, 'IsTruncated') === 'true' ? xmlText(body, 'Marker') : undefined;
      if (marker) expect(marker.length).toBeLessThanOrEqual(320);
    } while (marker);
    for (const n of names) expect(seen).toContain(n);
  });
});
