/**
 * The QR encoder of CreateVirtualMFADevice's QRCodePNG (src/iam/mfa-devices/qr.ts) against an
 * independent one (uqr, a test dependency): the same version, mask and modules for texts of every
 * version from 1 to 40, for authenticator URIs, and for each of the eight masks.
 */
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { qrEncode } from '../../../src/iam/mfa-devices/qr.ts';
import { qrPng } from '../../../src/iam/mfa-devices/qr-png.ts';

function expectSame(text: string, mask?: number) {
  const ours = qrEncode(text, mask);
  const theirs = encode(text, {
    ecc: 'M',
    border: 0,
    ...(mask === undefined ? {} : { maskPattern: mask }),
  });
  expect({ version: ours.version, mask: ours.mask }).toEqual({
    version: theirs.version,
    mask: theirs.maskPattern,
  });
  expect(ours.size).toBe(theirs.size);
  expect(ours.modules).toEqual(theirs.data);
  return ours;
}

describe('QR codes as an independent encoder makes them', () => {
  it('every version, 1 to 40 (byte mode, level M)', () => {
    const versions = new Set<number>();
    // Version capacities at level M grow by at least 12 bytes a version.
    for (let length = 1; length <= 2331; length += length < 600 ? 11 : 37) {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join(
        '',
      );
      versions.add(expectSame(text).version);
    }
    expect([...versions].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('authenticator URIs, UTF-8 included', () => {
    for (const user of ['alice', 'a-much-longer-user-name+with.symbols', 'zoë', '名前']) {
      for (const secret of ['JBSWY3DPEHPK3PXP', 'A'.repeat(103)]) {
        expectSame(
          `otpauth://totp/rolecall:${encodeURIComponent(user)}@123456789012?secret=${secret}&issuer=rolecall`,
        );
      }
    }
  });

  it('each of the eight masks', () => {
    for (let mask = 0; mask < 8; mask++) {
      expectSame('otpauth://totp/rolecall:alice@123456789012?secret=JBSWY3DPEHPK3PXP', mask);
      expectSame('x'.repeat(400), mask); // version 13: version information too
    }
  });

  it('is a PNG of 4 pixels per module with a quiet zone of 4 modules', async () => {
    const text = 'otpauth://totp/rolecall:alice@123456789012?secret=JBSWY3DPEHPK3PXP';
    const png = await qrPng(text);
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer, png.byteOffset);
    const side = (qrEncode(text).size + 8) * 4;
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([side, side]);
  });
});
