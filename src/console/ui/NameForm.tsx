/** A one-field "create" form (name), with optional extra fields passed as children. */
import { type FormEvent, type ReactNode, useState } from 'react';

export function NameForm({ label, onCreate, busy, children }: { label: string; onCreate: (name: string) => void; busy: boolean; children?: ReactNode }) {
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCreate(name);
    setName('');
  };
  return (
    <form className="filters" onSubmit={submit}>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      {children}
      <button type="submit" disabled={busy || !name}>
        {label}
      </button>
    </form>
  );
}
