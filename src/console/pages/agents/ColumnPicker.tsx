import { COLUMNS } from './columns';

/** Which columns the table shows (remembered in this browser). */
export function ColumnPicker({ shown, onChange }: { shown: string[]; onChange: (ids: string[]) => void }) {
  const toggle = (id: string) => onChange(shown.includes(id) ? shown.filter((s) => s !== id) : COLUMNS.map((c) => c.id).filter((c) => c === id || shown.includes(c)));
  return (
    <details className="picker">
      <summary>Columns</summary>
      <fieldset>
        <legend className="sr-only">Shown columns</legend>
        {COLUMNS.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={shown.includes(c.id)} onChange={() => toggle(c.id)} /> {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
