import { charge } from './budget.ts';
import { compileGlob, matchWild } from './wildcard.ts';
import type { Glob } from './wildcard.ts';

/**
 * Policy variables (IAM User Guide: IAM policy elements: Variables and tags): `${key}`,
 * `${key, 'default'}`, and the special characters `${*}` `${?}` `${$}`. They are replaced only in
 * documents with "Version": "2012-10-17"; older documents treat them as literal text.
 */
export type TemplatePart =
  | string
  | { key: string; lower: string; fallback?: string; raw: string }
  | { char: string; raw: string };

export interface Template {
  source: string;
  parts: TemplatePart[];
  hasVars: boolean;
}

const VAR = /\$\{([^}]*)\}/g;

export function parseTemplate(source: string, variablesEnabled: boolean): Template {
  if (!variablesEnabled || !source.includes('${'))
    return { source, parts: [source], hasVars: false };
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of source.matchAll(VAR)) {
    const inner = m[1].trim();
    const part = parseVariable(inner, m[0]);
    if (part === null) continue;
    if (m.index > last) parts.push(source.slice(last, m.index));
    parts.push(part);
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts, hasVars: parts.some((p) => typeof p !== 'string') };
}

function parseVariable(inner: string, raw: string): TemplatePart | null {
  if (inner === '*' || inner === '?' || inner === '$') return { char: inner, raw };
  const comma = inner.indexOf(',');
  const key = (comma === -1 ? inner : inner.slice(0, comma)).trim();
  if (key === '' || /\s/.test(key)) return null;
  if (comma === -1) return { key, lower: key.toLowerCase(), raw };
  const def = inner.slice(comma + 1).trim();
  if (def.length < 2 || !def.startsWith("'") || !def.endsWith("'")) return null;
  return { key, lower: key.toLowerCase(), fallback: def.slice(1, -1), raw };
}

/**
 * A Resource or NotResource entry: "You can use a policy variable in the Resource element, but
 * only in the resource portion of the ARN ... after the fifth colon" (Policy variables > Resource
 * element). Variables before it stay the literal text they are written as.
 */
export function resourcePortionOnly(t: Template): Template {
  if (!t.hasVars) return t;
  const parts: TemplatePart[] = [];
  let colons = 0;
  let changed = false;
  for (const p of t.parts) {
    if (typeof p === 'string') {
      for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 0x3a) colons++;
    } else if (colons < 5) {
      changed = true;
      const last = parts.length - 1;
      if (last >= 0 && typeof parts[last] === 'string') parts[last] += p.raw;
      else parts.push(p.raw);
      continue;
    }
    const last = parts.length - 1;
    if (typeof p === 'string' && last >= 0 && typeof parts[last] === 'string') parts[last] += p;
    else parts.push(p);
  }
  if (!changed) return t;
  const hasVars = parts.some((p) => typeof p !== 'string');
  const source = hasVars ? t.source : (parts[0] as string);
  return { source, parts, hasVars };
}

/** Looks up a single-valued key (lower-cased); reports keys that are missing. */
export interface VariableSource {
  single(lowerKey: string, originalKey: string): string | undefined;
}

/** The text of a template, or null when a variable has no value and no default. */
export function resolveText(t: Template, src: VariableSource): string | null {
  if (!t.hasVars) return t.source;
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') out += p;
    else if ('char' in p) out += p.char;
    else {
      const v = src.single(p.lower, p.key) ?? p.fallback;
      if (v === undefined) return null;
      out += v;
    }
  }
  charge(1 + (out.length >> 3));
  return out;
}

/**
 * A wildcard matcher for a template: text from variables and special characters is literal, so
 * `${*}` matches only an asterisk. Null when a variable is missing (the entry matches nothing).
 */
export function resolveGlob(t: Template, src: VariableSource): Glob | null {
  if (!t.hasVars) return compileGlob(t.source);
  let text = '';
  const flags: number[] = [];
  for (const p of t.parts) {
    let piece: string;
    let lit: number;
    if (typeof p === 'string') {
      piece = p;
      lit = 0;
    } else if ('char' in p) {
      piece = p.char;
      lit = 1;
    } else {
      const v = src.single(p.lower, p.key) ?? p.fallback;
      if (v === undefined) return null;
      piece = v;
      lit = 1;
    }
    text += piece;
    for (let i = 0; i < piece.length; i++) flags.push(lit);
  }
  // Building the text and its per-character flags: about eight units a character.
  charge(4 + 8 * text.length);
  const literal = Uint8Array.from(flags);
  return (s) => matchWild(text, literal, s);
}
