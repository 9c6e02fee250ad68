// The "name contains" box of the list pages: its text is applied on Find, and empty means no filter.
import { useState } from 'react';

export function NameSearch({
  label,
  initial,
  onFind,
}: {
  label: string;
  initial: string;
  onFind: (name: string | null) => void;
}) {
  const [text, setText] = useState(initial);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onFind(text.trim() === '' ? null : text.trim());
      }}
    >
      <input
        type="search"
        aria-label={label}
        placeholder="name contains…"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Find</button>
    </form>
  );
}
