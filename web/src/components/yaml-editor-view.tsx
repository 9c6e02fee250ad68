// CodeMirror with YAML highlighting, line numbers, search and indentation, coloured by the app's theme.
import { useEffect, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { placeholder as placeholderText } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { YamlEditorProps } from './yaml-editor.js';

const THEME = EditorView.theme({
  '&': {
    backgroundColor: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    fontSize: '12px',
  },
  '&.cm-focused': { outline: '2px solid var(--running)' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SF Mono', Menlo, monospace", minHeight: '16em' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine, .cm-activeLineGutter': {
    backgroundColor: 'color-mix(in srgb, var(--running) 8%, transparent)',
  },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
});

// The app's status colours, which follow its light or dark theme; CodeMirror's default colours are for light only.
const HIGHLIGHT = HighlightStyle.define([
  { tag: tags.definition(tags.propertyName), color: 'var(--running)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--completed)' },
  { tag: [tags.keyword, tags.typeName, tags.labelName, tags.meta], color: 'var(--pending)' },
  { tag: tags.lineComment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: tags.separator, color: 'var(--muted)' },
]);

export default function YamlEditorView({ value, onChange, label, placeholder }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  const editable = onChange !== undefined;

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      doc: value,
      extensions: [
        basicSetup,
        yaml(),
        syntaxHighlighting(HIGHLIGHT),
        THEME,
        EditorView.lineWrapping,
        EditorView.editable.of(editable),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        ...(placeholder === undefined ? [] : [placeholderText(placeholder)]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) changed.current?.(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is made once per mount; text from outside arrives through the effect below.
  }, [editable, label]);

  // Text set from outside (an uploaded file, a reloaded spec) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  return <div ref={host} className="yaml-editor" data-testid="yaml-editor" />;
}
