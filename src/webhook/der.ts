/**
 * The few ASN.1 DER encodings an X.509 certificate needs (ITU-T X.690), so the webhook can make
 * its own certificates with node:crypto alone: no openssl binary in the image.
 */

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV: `tag` (a full identifier octet) around `content`. */
export function tlv(tag: number, ...content: readonly Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** SEQUENCE of already-encoded elements. */
export const sequence = (...items: readonly Buffer[]): Buffer => tlv(0x30, ...items);

/** SET of already-encoded elements (callers pass one element, so no DER sorting is needed). */
export const set = (...items: readonly Buffer[]): Buffer => tlv(0x31, ...items);

/** A non-negative INTEGER from big-endian bytes, with the sign octet DER requires. */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const needsPad = ((trimmed[0] ?? 0) & 0x80) !== 0;
  return tlv(0x02, needsPad ? Buffer.from([0]) : Buffer.alloc(0), trimmed);
}

/** A small non-negative INTEGER. */
export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from([value]));

/** BOOLEAN TRUE (DER allows only 0xff for true). */
export const booleanTrue = (): Buffer => tlv(0x01, Buffer.from([0xff]));

/** OBJECT IDENTIFIER from its dotted form, e.g. `2.5.4.3`. */
export function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift((value % 128) | (groups.length > 0 ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTF8String. */
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

/** OCTET STRING. */
export const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);

/** BIT STRING with `unusedBits` padding bits at the end of the last octet. */
export const bitString = (bytes: Buffer, unusedBits = 0): Buffer => tlv(0x03, Buffer.from([unusedBits]), bytes);

/**
 * A named-bit BIT STRING (such as KeyUsage) with bits numbered from the most significant bit of
 * the first octet, trailing zero bits removed as DER requires.
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)]! |= 0x80 >> (bit % 8);
  return bitString(bytes, 7 - (highest % 8));
}

/** UTCTime before 2050, GeneralizedTime from 2050 on (RFC 5280, 4.1.2.5), to the second, in UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** `[n] EXPLICIT` around an encoded element. */
export const explicit = (n: number, ...inner: readonly Buffer[]): Buffer => tlv(0xa0 | n, ...inner);

/** `[n] IMPLICIT` primitive: the element's own tag replaced by a context tag. */
export const implicitPrimitive = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);
