/** Small lists many views need (sections by id). */
import { useQuery } from '@tanstack/react-query';
import { api, data } from './client';

export function useSections() {
  const q = useQuery({ queryKey: ['sections'], queryFn: () => data(api.GET('/api/v1/sections', { params: { query: { limit: 1000 } } })) });
  const items = q.data?.items ?? [];
  return { items, byId: new Map(items.map((s) => [s.id, s.name])) };
}
