/** Fleet counts for the overview, tallied from the agent list (the API has no aggregate endpoint yet). */
import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../../api/client';

const PAGE = 1000;
/** Fleets larger than this are counted on their first pages only, and the overview says so. */
const MAX_PAGES = 20;

export interface FleetCounts {
  total: number;
  online: number;
  complete: boolean;
  byOs: [string, number][];
  bySection: [string, number][];
  byVersion: [string, number][];
}

function tally(items: Schemas['Agent'][], key: (a: Schemas['Agent']) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const a of items) m.set(key(a), (m.get(key(a)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}

export function useFleetCounts(sections: Map<string, string>) {
  return useQuery({
    queryKey: ['overview', 'agents'],
    queryFn: async (): Promise<FleetCounts> => {
      const items: Schemas['Agent'][] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await data(api.GET('/api/v1/agents', { params: { query: { limit: PAGE, cursor, status: 'active' } } }));
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < MAX_PAGES);
      return {
        total: items.length,
        online: items.filter((a) => a.online).length,
        complete: cursor === undefined,
        byOs: tally(items, (a) => a.os ?? 'unknown'),
        bySection: tally(items, (a) => (a.sectionId ? (sections.get(a.sectionId) ?? a.sectionId.slice(0, 8)) : 'no section')),
        byVersion: tally(items, (a) => a.agentVersion ?? 'unknown'),
      };
    },
    staleTime: 30_000,
  });
}
