import { randomBytes } from 'node:crypto';

/** Produces a new unique id; injected wherever tests need determinism. */
export type IdGenerator = () => string;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered, so
 * ids sort by creation and make good primary keys.
 */
export function uuidv7(
  now: () => number = Date.now,
  random: (size: number) => Buffer = randomBytes,
): string {
  const bytes = random(16);
  const milliseconds = BigInt(now());
  for (let index = 0; index < 6; index++) {
    bytes[index] = Number((milliseconds >> BigInt(8 * (5 - index))) & 0xffn);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
