import { charge } from './budget.ts';
import { compileGlob, matchWild } from './wildcard.ts';
import type { Glob } from './wildcard.ts';
import { parseTemplate, resolveFlagged, resourcePortionOnly } from './variables.ts';
import type { Template, VariableSource } from './variables.ts';

/**
 * Splits an ARN into partition..resource at its first five colons; the resource part keeps any
 * further colons. Null when the text has fewer than five colons (not an ARN).
 */
export function splitArn(s: string): string[] | null {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.indexOf(':', start);
    if (c === -1) return null;
    out.push(s.slice(start, c));
    start = c + 1;
  }
  out.push(s.slice(start));
  return out;
}

/**
 * The account field of an ARN (12 digits between its fourth and fifth colons), when it has one.
 * Found by scanning rather than splitting: every decision asks for it.
 */
export function arnAccount(s: string): string | undefined {
  if (!s.startsWith('arn:')) return undefined;
  let colons = 1;
  let start = 4;
  while (colons < 4 && start < s.length) if (s.charCodeAt(start++) === 0x3a) colons++;
  const end = start + 12;
  if (colons < 4 || s.charCodeAt(end) !== 0x3a) return undefined;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return s.slice(start, end);
}

/** A request-side ARN, split at most once per request. */
export interface ArnValue {
  readonly text: string;
  readonly segments: string[] | null;
}

/** Splits on first use: patterns with a literal head match the whole text and never need it. */
class LazyArn implements ArnValue {
  readonly text: string;
  private split: string[] | null | undefined = undefined;

  constructor(text: string) {
    this.text = text;
  }

  get segments(): string[] | null {
    if (this.split === undefined) {
      charge(1 + (this.text.length >> 3));
      this.split = splitArn(this.text);
    }
    return this.split;
  }
}

export function arnValue(text: string): ArnValue {
  return new LazyArn(text);
}

export type ArnMatcher = (value: ArnValue, vars: VariableSource) => boolean;

/**
 * ARN matching (Resource, ArnEquals/ArnLike): "each of the six colon-delimited components of the
 * ARN is checked separately", so a wildcard never crosses the first five colons
 * (IAM JSON policy elements: Resource; Amazon Resource Name (ARN) condition operators).
 */
export function compileArnPattern(
  text: string,
  variablesEnabled: boolean,
  resourceElement = false,
): ArnMatcher {
  const parsed = parseTemplate(text, variablesEnabled);
  const t = resourceElement ? resourcePortionOnly(parsed) : parsed;
  if (t.hasVars) return (v, vars) => matchTemplate(t, v, vars);
  const pattern = t.source;
  if (pattern === '*') {
    return () => {
      charge(1);
      return true;
    };
  }
  const segs = splitArn(pattern);
  if (segs === null) {
    const g = compileGlob(pattern);
    return (v) => g(v.text);
  }
  const head = segs.slice(0, 5);
  if (!head.some((s) => s.includes('*') || s.includes('?'))) {
    // A literal head pins the first five colons, so one glob over the whole text is equivalent.
    const g = compileGlob(pattern);
    return (v) => g(v.text);
  }
  const globs: Glob[] = segs.map(compileGlob);
  return (v) => {
    const s = v.segments;
    if (s === null) return false;
    for (let i = 0; i < 6; i++) if (!globs[i](s[i])) return false;
    return true;
  };
}

function matchTemplate(t: Template, v: ArnValue, vars: VariableSource): boolean {
  // Resolve with literal flags, then split on the colons that came from the policy text.
  const resolved = resolveFlagged(t, vars);
  if (resolved === null) return false;
  const { text, literal } = resolved;
  const cuts: number[] = [];
  for (let i = 0; i < text.length && cuts.length < 5; i++) {
    if (text.charCodeAt(i) === 0x3a && literal[i] === 0) cuts.push(i);
  }
  if (cuts.length < 5) return matchWild(text, literal, v.text);
  const s = v.segments;
  if (s === null) return false;
  let start = 0;
  for (let i = 0; i < 6; i++) {
    const end = i < 5 ? cuts[i] : text.length;
    if (!matchWild(text.slice(start, end), literal.subarray(start, end), s[i])) return false;
    start = end + 1;
  }
  return true;
}
