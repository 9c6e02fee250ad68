// A YAML editor (or read-only view) with CodeMirror, loaded as a chunk of its own when first shown; until it
// arrives a plain text area holds the same text, so nothing typed meanwhile is lost.
import { Suspense, lazy } from 'react';

const YamlEditorView = lazy(() => import('./yaml-editor-view.js'));

export interface YamlEditorProps {
  readonly value: string;
  /** Absent: read-only. */
  readonly onChange?: (value: string) => void;
  /** The accessible name of the text (what a label would say). */
  readonly label: string;
  readonly placeholder?: string;
}

export function YamlEditor(props: YamlEditorProps) {
  const { value, onChange, label, placeholder } = props;
  return (
    <Suspense
      fallback={
        <textarea
          aria-label={label}
          className="code"
          rows={16}
          spellCheck={false}
          readOnly={onChange === undefined}
          {...(placeholder === undefined ? {} : { placeholder })}
          value={value}
          onChange={(e) => onChange?.(e.target.value)}
        />
      }
    >
      <YamlEditorView {...props} />
    </Suspense>
  );
}
