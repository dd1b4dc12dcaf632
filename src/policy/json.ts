import { MSG, PolicyError } from './errors.ts';

/**
 * JSON.parse that also refuses duplicate object keys: IAM rejects a policy whose statement names
 * the same element twice instead of silently keeping the last one.
 */
export function parsePolicyJson(text: string, policy?: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PolicyError('MalformedPolicyDocument', MSG.syntax, policy);
  }
  if (hasDuplicateKeys(text)) throw new PolicyError('MalformedPolicyDocument', MSG.syntax, policy);
  return value;
}

/** Scans already-valid JSON text for an object that repeats a key. */
function hasDuplicateKeys(text: string): boolean {
  const stack: Array<Set<string> | null> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push(new Set());
      i++;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top) {
        // A string inside an object is a key when the next significant character is ':'.
        let j = end;
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === 0x3a) {
          const key = JSON.parse(text.slice(i, end)) as string;
          if (top.has(key)) return true;
          top.add(key);
        }
      }
      i = end;
    } else {
      i++;
    }
  }
  return false;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Policy size as IAM counts it: "IAM doesn't count white space when calculating the size of a
 * policy against these limits" (IAM User Guide, IAM and AWS STS quotas).
 */
export function policySize(doc: string): number {
  let size = 0;
  let inString = false;
  for (let i = 0; i < doc.length; i++) {
    const c = doc.charCodeAt(i);
    if (inString) {
      size++;
      if (c === 0x5c && i + 1 < doc.length) {
        size++;
        i++;
      } else if (c === 0x22) inString = false;
    } else if (!isSpace(c)) {
      size++;
      if (c === 0x22) inString = true;
    }
  }
  return size;
}
