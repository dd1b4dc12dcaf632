/**
 * A JSON policy editor (CodeMirror 6): highlighting, JSON syntax errors and IAM's validation errors
 * (the evaluator's own validatePolicy) underlined where they are, marked in the gutter and listed
 * under the editor by line (each a button that puts the cursor there), and highlighted statements
 * (those that decided the last request). Tab is left to move focus, so the page stays keyboard usable.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, linter } from '@codemirror/lint';
import { EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import type { PolicyKind } from '../../policy/index.ts';
import { el } from './dom.ts';
import { problemsOf, type Problem } from './problems.ts';
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

export interface PolicyEditor {
  view: EditorView;
  label: string;
  text(): string;
  set(text: string): void;
  highlight(marks: Highlight[]): void;
  /** The document's problems now (syntax, then IAM's validation), as listed under the editor. */
  problems(): Problem[];
}

let editors = 0;

export function policyEditor(options: {
  parent: HTMLElement;
  label: string;
  kind: PolicyKind;
  text: string;
  onChange: () => void;
}): PolicyEditor {
  const listId = `problems-${++editors}`;
  const list = el('ul', {
    class: 'problems',
    id: listId,
    'aria-label': `${options.label}: problems`,
  });
  list.hidden = true;
  const view: EditorView = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        lineNumbers(),
        lintGutter(),
        history(),
        bracketMatching(),
        json(),
        syntaxHighlighting(defaultHighlightStyle),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          'aria-label': options.label,
          'aria-multiline': 'true',
          'aria-describedby': listId,
          role: 'textbox',
          // Focusable as any textbox is, said outright: the editor's scroller (a long policy) is
          // then known to be reachable by keyboard, not only to browsers that know contenteditable.
          tabindex: '0',
        }),
        linter(
          (v) => {
            const problems = problemsOf(v.state.doc.toString(), options.kind);
            show(problems);
            return problems.map((p) => ({
              from: p.from,
              to: p.to,
              severity: 'error' as const,
              message: p.message,
            }));
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
  /** The list under the editor: one line per problem, a button to the place it is about. */
  function show(problems: Problem[]): void {
    list.hidden = problems.length === 0;
    view.contentDOM.setAttribute('aria-invalid', String(problems.length > 0));
    list.replaceChildren(
      ...problems.map((p) => {
        const go = el('button', { type: 'button', class: 'link' }, `Line ${p.line}`);
        go.addEventListener('click', () => {
          view.dispatch({ selection: { anchor: p.from, head: p.to }, scrollIntoView: true });
          view.focus();
        });
        return el('li', {}, go, `: ${p.message}`);
      }),
    );
  }
  const label = document.createElement('span');
  label.className = 'editor-label';
  label.textContent = options.label;
  options.parent.prepend(label);
  options.parent.after(list);
  show(problemsOf(options.text, options.kind));
  return {
    view,
    label: options.label,
    text: () => view.state.doc.toString(),
    set(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    highlight(marks) {
      view.dispatch({ effects: setHighlights.of(marks) });
    },
    problems: () => problemsOf(view.state.doc.toString(), options.kind),
  };
}
