import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/env.ts';
import { clientKey, limitKey, sourceIp } from '../../src/routes/client-ip.ts';

describe('limitKey: whom the rate limits count', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    // Every address of one IPv6 /64 is one client, however it is written.
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0009', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    // An IPv4 client seen through a dual-stack socket is that IPv4 client.
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::ffff:cb00:7109', '203.0.113.9'],
    // Not an address (test harnesses only): counted as it is.
    ['not:an:address', 'not:an:address'],
  ])('%s counts as %s', (ip, key) => {
    expect(limitKey(ip)).toBe(key);
  });

  it('the next /64 is another client', () => {
    expect(limitKey('2001:db8:1:3::1')).not.toBe(limitKey('2001:db8:1:2::1'));
  });

  it('aws:SourceIp keeps the whole address; the limits use the key', () => {
    const env = {} as Env;
    const request = new Request('http://x/', {
      headers: { 'cf-connecting-ip': '2001:db8:1:2::9' },
    });
    expect(sourceIp(request, env)).toBe('2001:db8:1:2::9');
    expect(clientKey(request, env)).toBe('2001:db8:1:2::/64');
    expect(clientKey(new Request('http://x/'), env)).toBeNull();
  });
});
