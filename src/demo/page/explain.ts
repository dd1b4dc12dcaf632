/**
 * Renders a decision for people: the verdict, the evaluator's sentence, a statement-by-statement
 * table from its trace (every statement of every policy it read, in AWS's evaluation order, and
 * why each did or did not apply), the missing condition keys and unreadable statements.
 */
import type { Decision, StatementTrace } from '../../policy/index.ts';
import type { Outcome } from './decide.ts';
import { el } from './dom.ts';

const WORDS = {
  allowed: 'Allowed',
  explicitDeny: 'Denied (explicit deny)',
  implicitDeny: 'Denied (implicit deny)',
} as const;

/** A decision in words: "Allowed", "Denied (explicit deny)", "Denied (implicit deny)". */
export const verdictWords = (decision: Decision['decision']): string => WORDS[decision];

/** Decision, reason, statement-by-statement trace, missing keys. */
export function explain(
  outcome: Outcome,
  names: Record<string, string>,
  docs: Record<string, string> = {},
): HTMLElement[] {
  if (!outcome.ok) {
    const where = outcome.policy ? ` (${names[outcome.policy] ?? outcome.policy})` : '';
    const verdict = el('p', { class: 'verdict deny' }, `Cannot decide${where}: ${outcome.message}`);
    if (!outcome.policy) return [verdict];
    return [
      verdict,
      el(
        'p',
        { class: 'hint' },
        `The ${names[outcome.policy] ?? 'policy'} editor underlines the problem and lists it under the editor.`,
      ),
    ];
  }
  const d = outcome.decision;
  const out: HTMLElement[] = [
    el('p', { class: `verdict ${d.decision === 'allowed' ? 'allow' : 'deny'}` }, WORDS[d.decision]),
    el('p', {}, d.reason),
  ];
  const trace = traceRows(d, names);
  if (trace.length > 0) {
    out.push(
      el(
        'table',
        { class: 'trace' },
        el('caption', {}, 'Statement by statement'),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, 'Policy'),
            el('th', { scope: 'col' }, 'Statement'),
            el('th', { scope: 'col' }, 'Effect'),
            el('th', { scope: 'col' }, 'Applies?'),
          ),
        ),
        el('tbody', {}, ...trace),
      ),
    );
  }
  if (d.missingContextKeys.length > 0) {
    out.push(
      el('p', { class: 'missing' }, `Missing condition keys: ${d.missingContextKeys.join(', ')}`),
    );
  }
  for (const e of d.errors)
    out.push(
      el(
        'p',
        { class: 'missing' },
        `${names[e.policy] ?? e.policy}, statement ${e.statement}: ${e.message}`,
      ),
    );
  return out;
}

/** Why a statement did not apply, in words, from the evaluator's trace. */
function notAppliedWhy(t: StatementTrace): string {
  switch (t.notApplied) {
    case 'action':
      return `its ${t.action.element} does not match the action`;
    case 'resource':
      return `its ${t.resource?.element ?? 'Resource'} (${t.resource?.values.join(', ') ?? ''}) does not match the resource`;
    case 'principal':
      return `${t.principal?.element ?? 'Principal'} ${JSON.stringify(t.principal?.value)} does not name the caller`;
    case 'condition': {
      const failed = t.conditions.filter((c) => c.result !== true);
      return failed
        .map(
          (c) =>
            `condition ${c.operator} ${c.key} ${JSON.stringify(c.policyValues)} fails: the request has ${
              c.requestValues === null ? 'no such key' : JSON.stringify(c.requestValues)
            }`,
        )
        .join('; ');
    }
    case 'error':
      return 'a condition value cannot be read by its operator';
    default:
      return 'does not apply';
  }
}

/**
 * One row per statement of every policy the evaluator read, in AWS's evaluation order: whether it
 * applied, and if not, the first part that did not match (the evaluator's trace). Without a trace,
 * matched statements only.
 */
function traceRows(d: Decision, names: Record<string, string>): HTMLElement[] {
  const row = (policy: string, statement: string, effect: string, applies: string, cls: string) =>
    el(
      'tr',
      { class: cls },
      el('td', {}, policy),
      el('td', {}, statement),
      el('td', {}, effect),
      el('td', {}, applies),
    );
  if (!d.trace) {
    return d.matchedStatements.map((m) =>
      row(
        names[m.policy] ?? m.policy,
        `${m.statement}${m.sid ? ` (${m.sid})` : ''}`,
        m.effect,
        'applies',
        m.effect === 'Deny' ? 'hit-deny' : 'hit-allow',
      ),
    );
  }
  const rows: HTMLElement[] = [];
  for (const p of d.trace.policies) {
    for (const t of p.statements) {
      rows.push(
        row(
          names[p.label] ?? p.label,
          `${t.index}${t.sid ? ` (${t.sid})` : ''}`,
          t.effect,
          t.applies ? `applies: ${t.effect === 'Deny' ? 'denies' : 'allows'}` : notAppliedWhy(t),
          t.applies ? (t.effect === 'Deny' ? 'hit-deny' : 'hit-allow') : '',
        ),
      );
    }
    if (p.statements.length === 0)
      rows.push(row(names[p.label] ?? p.label, '-', '', 'no statements', ''));
  }
  return rows;
}
