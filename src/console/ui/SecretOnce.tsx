/** A secret the server shows only once: displayed with a copy button and a warning, never stored by the page. */
import { useState } from 'react';

export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return (
    <div className="secret" role="alert">
      <p>
        <strong>Copy this secret now:</strong> it is not shown again.
      </p>
      <code data-testid="secret">{secret}</code>
      <div className="actions">
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
