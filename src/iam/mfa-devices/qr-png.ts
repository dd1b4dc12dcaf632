import { encode } from 'uqr';
import { concatBytes } from '../../auth/encoding.ts';

/** Pixels per QR module, and the quiet zone in modules (ISO/IEC 18004 asks for 4). */
const SCALE = 4;
const QUIET_ZONE = 4;

/**
 * A QR code of `text` as a PNG (W3C PNG, 1-bit greyscale, one IDAT): what CreateVirtualMFADevice
 * returns as QRCodePNG for `otpauth://totp/...` so an authenticator app can scan it.
 */
export async function qrPng(text: string): Promise<Uint8Array> {
  const qr = encode(text, { ecc: 'M', border: QUIET_ZONE });
  const width = qr.size * SCALE;
  const rowBytes = Math.ceil(width / 8);
  // Each scanline: filter type 0, then pixels, 1 bit each, most significant bit first; 1 is white.
  const raw = new Uint8Array((rowBytes + 1) * width);
  for (let y = 0; y < width; y++) {
    const row = qr.data[Math.floor(y / SCALE)]!;
    const at = y * (rowBytes + 1);
    for (let x = 0; x < width; x++) {
      if (!row[Math.floor(x / SCALE)]) raw[at + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, width);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const idat = await deflate(raw);
  return concatBytes(
    ...[SIGNATURE, chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))],
  );
}

const SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

/** zlib-wrapped deflate, as PNG's IDAT holds it. */
async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data.slice()]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of a chunk's type and data (PNG specification, section 5.3). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
