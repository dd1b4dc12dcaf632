/**
 * What is wrong with a policy document, and where: a JSON syntax error at its position, or IAM's
 * validation errors (the evaluator's own validatePolicy, the messages IAM answers) located on the
 * field they are about, with a plain-words hint where IAM only says "Syntax errors in policy.".
 * Pure (no DOM): the editors underline these ranges and list them under the editor.
 */
import { MSG } from '../../policy/errors.ts';
import { PolicyError, validatePolicy, type PolicyKind } from '../../policy/index.ts';
import { members, statementRanges, type Member, type Range } from './statements.ts';

export interface Problem extends Range {
  /** 1-based, where `from` is. */
  line: number;
  column: number;
  message: string;
}

const POLICY_FIELDS = ['Version', 'Id', 'Statement'];
const STATEMENT_FIELDS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];

function problem(text: string, range: Range, message: string): Problem {
  const before = text.slice(0, range.from);
  const line = before.split('\n').length;
  return { ...range, line, column: range.from - before.lastIndexOf('\n'), message };
}

/** The first line's text (where a document-wide problem is shown). */
const firstLine = (text: string): Range => {
  const from = text.length - text.trimStart().length;
  const end = text.indexOf('\n', from);
  return { from, to: end === -1 ? text.length : end };
};

/** A JSON syntax error, at its position (one visible character), or null when the text parses. */
export function syntaxProblem(text: string): Problem | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    let pos = text.length;
    const at = /at position (\d+)/.exec(e.message);
    const lc = /line (\d+) column (\d+)/.exec(e.message);
    if (at) pos = Number(at[1]);
    else if (lc) {
      const lines = text.split('\n').slice(0, Number(lc[1]) - 1);
      pos = lines.reduce((n, l) => n + l.length + 1, 0) + Number(lc[2]) - 1;
    }
    pos = Math.min(pos, text.length);
    // At the end or on a line break: the last character written before it, so the mark shows.
    if (pos === text.length || text[pos] === '\n') {
      while (pos > 0 && /\s/.test(text[pos - 1])) pos--;
      pos = Math.max(0, pos - 1);
    }
    const words = e.message
      .replace(/^JSON\.parse: /, '')
      .replace(/ (?:in JSON )?at (?:position \d+|line \d+ column \d+).*$/s, '')
      .replace(/ of the JSON data$/, '');
    const message =
      text.trim() === ''
        ? 'The document is empty.'
        : `Not valid JSON: ${words.replace(/^\w/, (c) => c.toUpperCase())}.`;
    return problem(text, { from: pos, to: Math.min(pos + 1, text.length) }, message);
  }
}

const pick = (fields: Member[], ...keys: string[]): Range | undefined => {
  const m = fields.find((f) => keys.includes(f.key));
  return m && { from: m.keyRange.from, to: m.value.to };
};

const duplicate = (fields: Member[]): Member | undefined =>
  fields.find((f, i) => fields.findIndex((g) => g.key === f.key) !== i);

/** Where in a statement (its members) IAM's message points, and a hint for "Syntax errors". */
function inStatement(fields: Member[], message: string): { range?: Range; hint?: string } {
  const prohibited = /^Has prohibited field (\w+)/.exec(message);
  if (prohibited) return { range: pick(fields, prohibited[1]) };
  if (/effect/i.test(message)) return { range: pick(fields, 'Effect') };
  if (/principal/i.test(message)) return { range: pick(fields, 'Principal', 'NotPrincipal') };
  if (/Statement IDs/.test(message)) return { range: pick(fields, 'Sid') };
  if (/Action|actions|[Vv]endor/.test(message) && !/Condition type/.test(message))
    return { range: pick(fields, 'Action', 'NotAction') };
  if (/^Resource |resources/.test(message))
    return { range: pick(fields, 'Resource', 'NotResource') };
  if (/Condition/.test(message)) return { range: pick(fields, 'Condition') };
  if (message !== MSG.syntax) return {};
  const unknown = fields.find((f) => !STATEMENT_FIELDS.includes(f.key));
  if (unknown) {
    return {
      range: unknown.keyRange,
      hint: `"${unknown.key}" is not a statement field (they are ${STATEMENT_FIELDS.join(', ')}; case matters).`,
    };
  }
  const twice = duplicate(fields);
  if (twice) return { range: twice.keyRange, hint: `"${twice.key}" is given twice.` };
  for (const [a, b] of [
    ['Principal', 'NotPrincipal'],
    ['Action', 'NotAction'],
    ['Resource', 'NotResource'],
  ]) {
    if (fields.some((f) => f.key === a) && fields.some((f) => f.key === b))
      return { range: pick(fields, b), hint: `A statement has ${a} or ${b}, not both.` };
  }
  return {};
}

/** Where in the document (its top-level members) a document-wide message points. */
function inDocument(text: string, message: string): { range?: Range; hint?: string } {
  const fields = members(text);
  if (fields.length === 0 && !/^\s*\{/.test(text))
    return { hint: 'A policy is a JSON object: {"Version": "2012-10-17", "Statement": [...]}.' };
  if (message === MSG.version) {
    return {
      range: pick(fields, 'Version'),
      hint: 'Use "Version": "2012-10-17" (the current policy language).',
    };
  }
  if (message !== MSG.syntax) return {};
  const unknown = fields.find((f) => !POLICY_FIELDS.includes(f.key));
  if (unknown) {
    return {
      range: unknown.keyRange,
      hint: `"${unknown.key}" is not a policy field (they are Version, Id, Statement; case matters).`,
    };
  }
  const twice = duplicate(fields);
  if (twice) return { range: twice.keyRange, hint: `"${twice.key}" is given twice.` };
  return {};
}

const withHint = (text: string, hint?: string) =>
  hint ? `${text}${/[.!?]$/.test(text) ? '' : '.'} ${hint}` : text;

/** IAM's validation errors of a document that is valid JSON, each where it is. */
export function policyProblems(text: string, kind: PolicyKind): Problem[] {
  if (text.trim() === '') return [];
  try {
    validatePolicy(text, kind);
    return [];
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const whole = `${e.code}: ${e.message}`;
    const ranges = statementRanges(text);
    let parsed: { Version?: unknown; Statement?: unknown } | null = null;
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value;
    } catch {
      // Not JSON: located by syntaxProblem.
    }
    const list: unknown[] | null = parsed
      ? Array.isArray(parsed.Statement)
        ? parsed.Statement
        : parsed.Statement && typeof parsed.Statement === 'object'
          ? [parsed.Statement]
          : null
      : null;
    const found: Problem[] = [];
    if (list && ranges.length === list.length && e.message !== MSG.version) {
      list.forEach((statement, i) => {
        try {
          validatePolicy(
            { Version: parsed?.Version ?? '2012-10-17', Statement: [statement] },
            kind,
            { sizeLimit: Infinity },
          );
        } catch (err) {
          if (!(err instanceof PolicyError)) throw err;
          const where = inStatement(members(text, ranges[i].from), err.message);
          found.push(
            problem(
              text,
              where.range ?? ranges[i],
              withHint(`Statement ${i}: ${err.code}: ${err.message}`, where.hint),
            ),
          );
        }
      });
      if (found.length > 0) return found;
      if (e.message === MSG.sidUnique) {
        const seen = new Set<string>();
        ranges.forEach((r, i) => {
          const sid = members(text, r.from).find((f) => f.key === 'Sid');
          const value = sid ? JSON.parse(text.slice(sid.value.from, sid.value.to)) : undefined;
          if (sid && typeof value === 'string' && seen.has(value))
            found.push(problem(text, sid.keyRange, `Statement ${i}: ${whole}`));
          if (typeof value === 'string') seen.add(value);
        });
        if (found.length > 0) return found;
      }
    }
    if (e.message === MSG.syntax) {
      for (const [i, r] of ranges.entries()) {
        const twice = duplicate(members(text, r.from));
        if (twice) {
          found.push(
            problem(
              text,
              twice.keyRange,
              `Statement ${i}: ${whole} "${twice.key}" is given twice.`,
            ),
          );
        }
      }
      if (found.length > 0) return found;
    }
    const where = inDocument(text, e.message);
    return [problem(text, where.range ?? firstLine(text), withHint(whole, where.hint))];
  }
}

/** Every problem of a document: its JSON syntax error, or else IAM's validation errors. */
export function problemsOf(text: string, kind: PolicyKind): Problem[] {
  if (text.trim() === '') {
    return kind === 'trust'
      ? [
          problem(
            text,
            { from: 0, to: 0 },
            'A role needs a trust policy: it says who may assume it.',
          ),
        ]
      : [];
  }
  const syntax = syntaxProblem(text);
  return syntax ? [syntax] : policyProblems(text, kind);
}
