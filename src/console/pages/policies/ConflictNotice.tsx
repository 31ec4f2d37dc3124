/** A save refused because someone else saved first: the draft is kept; the user takes theirs or keeps their own. */
import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../../api/client';
import { Json } from '../../ui/Json';

export function ConflictNotice({ policyId, onTakeTheirs, onKeepMine }: { policyId: string; onTakeTheirs: (p: Schemas['Policy']) => void; onKeepMine: (version: number) => void }) {
  const current = useQuery({ queryKey: ['policies', policyId, 'conflict'], queryFn: () => data(api.GET('/api/v1/policies/{policyId}', { params: { path: { policyId } } })), staleTime: 0 });
  return (
    <div className="error" role="alert">
      <strong>Someone else saved this policy first.</strong>
      <p>Your draft is kept below. Their version {current.data?.version ?? '…'}:</p>
      {current.data && <Json value={current.data.body} />}
      <div className="actions">
        <button type="button" disabled={!current.data} onClick={() => current.data && onKeepMine(current.data.version)}>
          Keep my draft (save over theirs next)
        </button>
        <button type="button" className="ghost" disabled={!current.data} onClick={() => current.data && onTakeTheirs(current.data)}>
          Take their version
        </button>
      </div>
    </div>
  );
}
