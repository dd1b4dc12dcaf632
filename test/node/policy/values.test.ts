import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../../src/policy/conditions/ip.ts';
import { decodeBase64, parseDate, parseNumber } from '../../../src/policy/conditions/values.ts';

describe('IP addresses and CIDR blocks', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.255', true],
    ['203.0.113.0/24', '203.0.112.1', false],
    ['10.0.0.0/8', '10.255.1.2', true],
    ['0.0.0.0/0', '1.2.3.4', true],
    ['203.0.113.9', '203.0.113.9', true],
    ['203.0.113.9/32', '203.0.113.8', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::/0', '::1', true],
    ['2001:db8::1/128', '2001:0db8:0000:0000:0000:0000:0000:0001', true],
    ['::ffff:0:0/96', '::ffff:192.0.2.1', true],
    ['0.0.0.0/0', '2001:db8::1', false],
  ])('%s contains %s: %s', (cidr, ip, want) => {
    const c = parseCidr(cidr);
    const a = parseIp(ip);
    expect(c).not.toBeNull();
    expect(a).not.toBeNull();
    expect(cidrContains(c!, a!)).toBe(want);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4/33', '2001:db8::1::2', 'gggg::', 'x'])(
    'refuses %s',
    (text) => {
      expect(parseCidr(text)).toBeNull();
    },
  );
});

describe('numbers and dates', () => {
  it.each([
    ['10', 10],
    ['-1.5', -1.5],
    ['1e3', 1000],
    [' 7 ', 7],
    ['ten', null],
    ['', null],
  ])('number %j is %j', (text, want) => {
    expect(parseNumber(text)).toBe(want);
  });

  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T01:00:00+01:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00.500Z', Date.UTC(2026, 0, 1) + 500],
    ['1767225600', Date.UTC(2026, 0, 1)],
    ['20260101T000000Z', Date.UTC(2026, 0, 1)],
    ['2026-03', Date.UTC(2026, 2, 1)],
    ['2026-03-01T10:00+02:00', Date.UTC(2026, 2, 1, 8)],
    ['2026-13', null],
    ['2026-00', null],
    ['yesterday', null],
    ['2026-13-45', null],
  ])('date %j is %j', (text, want) => {
    expect(parseDate(text)).toBe(want);
  });

  it('decodes base64 and refuses other text', () => {
    expect(decodeBase64('QmluYXJ5')).toBe('Binary');
    expect(decodeBase64('not base64!')).toBeNull();
  });
});
