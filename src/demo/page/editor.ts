/**
 * A JSON policy editor (CodeMirror 6): highlighting, IAM's validation errors inline (the evaluator's
 * own validatePolicy, located on the statement they are about), and highlighted statements (those
 * that decided the last request). Tab is left to move focus, so the page stays keyboard usable.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, type Diagnostic } from '@codemirror/lint';
import { EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { PolicyError, validatePolicy, type PolicyKind } from '../../policy/index.ts';
import { statementRanges } from './statements.ts';

export interface Highlight {
  statement: number;
  effect: 'Allow' | 'Deny';
}

const setHighlights = StateEffect.define<Highlight[]>();

const highlights = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setHighlights)) continue;
      const ranges = statementRanges(tr.state.doc.toString());
      const builder = new RangeSetBuilder<Decoration>();
      const marks = e.value
        .filter((h) => ranges[h.statement])
        .sort((a, b) => ranges[a.statement].from - ranges[b.statement].from);
      for (const h of marks) {
        const r = ranges[h.statement];
        builder.add(
          r.from,
          r.to,
          Decoration.mark({
            class: h.effect === 'Deny' ? 'cm-decided-deny' : 'cm-decided-allow',
            attributes: { title: `Statement ${h.statement} decided this request (${h.effect})` },
          }),
        );
      }
      value = builder.finish();
    }
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Validation errors of one document, each on the statement it concerns when that can be told. */
export function policyDiagnostics(text: string, kind: PolicyKind): Diagnostic[] {
  if (text.trim() === '') return [];
  try {
    validatePolicy(text, kind);
    return [];
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const ranges = statementRanges(text);
    const parsed = parseLoosely(text);
    const list: unknown[] | null = Array.isArray(parsed?.Statement) ? parsed.Statement : null;
    if (list && ranges.length === list.length) {
      const diagnostics: Diagnostic[] = [];
      list.forEach((statement: unknown, i: number) => {
        try {
          validatePolicy(
            { Version: parsed?.Version ?? '2012-10-17', Statement: [statement] },
            kind,
            {
              sizeLimit: Infinity,
            },
          );
        } catch (err) {
          if (err instanceof PolicyError) {
            diagnostics.push({
              ...ranges[i],
              severity: 'error',
              message: `${err.code}: ${err.message}`,
            });
          }
        }
      });
      if (diagnostics.length > 0) return diagnostics;
    }
    return [
      {
        from: 0,
        to: Math.min(text.length, 1),
        severity: 'error',
        message: `${e.code}: ${e.message}`,
      },
    ];
  }
}

/** The document as JSON, or null (syntax errors are located by the JSON linter). */
function parseLoosely(text: string): { Version?: unknown; Statement?: unknown } | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object'
      ? (value as { Version?: unknown; Statement?: unknown })
      : null;
  } catch {
    return null;
  }
}

export interface PolicyEditor {
  view: EditorView;
  text(): string;
  set(text: string): void;
  highlight(marks: Highlight[]): void;
}

export function policyEditor(options: {
  parent: HTMLElement;
  label: string;
  kind: PolicyKind;
  text: string;
  onChange: () => void;
}): PolicyEditor {
  const syntax = jsonParseLinter();
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        lineNumbers(),
        history(),
        bracketMatching(),
        json(),
        syntaxHighlighting(defaultHighlightStyle),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          'aria-label': options.label,
          'aria-multiline': 'true',
          role: 'textbox',
        }),
        linter(
          (v) => {
            const text = v.state.doc.toString();
            const parseErrors = syntax(v);
            return parseErrors.length > 0 ? parseErrors : policyDiagnostics(text, options.kind);
          },
          { delay: 150 },
        ),
        highlights,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange();
        }),
      ],
    }),
  });
  const label = document.createElement('span');
  label.className = 'editor-label';
  label.textContent = options.label;
  options.parent.prepend(label);
  return {
    view,
    text: () => view.state.doc.toString(),
    set(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    highlight(marks) {
      view.dispatch({ effects: setHighlights.of(marks) });
    },
  };
}
