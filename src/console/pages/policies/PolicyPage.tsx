/** Creating or editing a policy, with inline contract errors, a live preview and optimistic-concurrency conflicts. */
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { api, data } from '../../api/client';
import { QueryState } from '../../ui/states';
import { PolicyEditor } from './PolicyEditor';

export function PolicyPage() {
  const { policyId } = useParams({ from: '/policies/$policyId' });
  const isNew = policyId === 'new';
  const policy = useQuery({
    queryKey: ['policies', policyId],
    enabled: !isNew,
    queryFn: () => data(api.GET('/api/v1/policies/{policyId}', { params: { path: { policyId } } })),
  });
  if (isNew) return <PolicyEditor />;
  return <QueryState query={policy}>{(p) => <PolicyEditor key={p.id} policy={p} />}</QueryState>;
}
