import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { useSections } from '../../api/lookups';
import { queryClient } from '../../api/query-client';
import { Dialog } from '../../ui/Dialog';
import { ErrorView } from '../../ui/states';

/** Claim token (from the agent's log), section and name for a pending registration. */
export function ClaimDialog({ agentId, hostname, onClose }: { agentId: string; hostname: string; onClose: () => void }) {
  const sections = useSections();
  const [token, setToken] = useState('');
  const [sectionId, setSectionId] = useState('');
  const [name, setName] = useState(hostname);
  const claim = useMutation({
    mutationFn: () => data(api.POST('/api/v1/agents/claim', { body: { agentId, claimToken: token.trim(), sectionId: sectionId || null, name: name || undefined } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['agents'] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    claim.mutate();
  };
  return (
    <Dialog title={`Claim ${hostname}`} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label>
          Claim token
          <input value={token} onChange={(e) => setToken(e.target.value)} required autoComplete="off" />
        </label>
        <label>
          Section
          <select value={sectionId} onChange={(e) => setSectionId(e.target.value)}>
            <option value="">no section</option>
            {sections.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {claim.error && <ErrorView error={claim.error} />}
        <div className="actions">
          <button type="submit" disabled={claim.isPending || !token}>
            Claim
          </button>
          <button type="button" className="ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
