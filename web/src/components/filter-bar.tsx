// Chip filters typed as `field:value`, kept in the URL; presets for the common views.
import { useState } from 'react';
import type { Chip } from '../filters.js';
import { FILTER_FIELDS, chipText, parseChips } from '../filters.js';

export interface Preset {
  readonly label: string;
  readonly chips: readonly Chip[];
}

export function FilterBar({
  chips,
  onChange,
  presets,
  placeholder = 'Filter: status:running, pool:default, name:train, submitted:2026-05-01…',
}: {
  chips: readonly Chip[];
  onChange: (chips: Chip[]) => void;
  presets: readonly Preset[];
  placeholder?: string;
}) {
  const [text, setText] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const add = (): void => {
    const parsed = parseChips([text]);
    if (parsed.length === 0) {
      setHint(`Type field:value, with field one of ${FILTER_FIELDS.join(', ')}.`);
      return;
    }
    setHint(null);
    setText('');
    onChange([...chips, ...parsed.filter((p) => !chips.some((c) => chipText(c) === chipText(p)))]);
  };
  return (
    <div className="filter-bar">
      <div className="chips" aria-label="Filters">
        {chips.map((chip) => (
          <span key={chipText(chip)} className="chip" data-chip={chipText(chip)}>
            {chipText(chip)}
            <button
              type="button"
              aria-label={`Remove filter ${chipText(chip)}`}
              onClick={() => onChange(chips.filter((c) => chipText(c) !== chipText(chip)))}
            >
              ×
            </button>
          </span>
        ))}
        <input
          aria-label="Add a filter"
          placeholder={placeholder}
          value={text}
          list="filter-fields"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            } else if (e.key === 'Backspace' && text === '' && chips.length > 0) {
              onChange(chips.slice(0, -1));
            }
          }}
        />
        <datalist id="filter-fields">
          {FILTER_FIELDS.map((f) => (
            <option key={f} value={`${f}:`} />
          ))}
        </datalist>
      </div>
      <div className="presets">
        {presets.map((p) => (
          <button
            key={p.label}
            type="button"
            onClick={() => onChange([...chips.filter((c) => c.field !== 'status'), ...p.chips])}
          >
            {p.label}
          </button>
        ))}
      </div>
      {hint !== null ? <p className="muted">{hint}</p> : null}
    </div>
  );
}
