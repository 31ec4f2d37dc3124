/** The fleet as a table (Fleet's host table): API filters, server-side sort and cursor paging, bulk actions. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { api, data } from '../../api/client';
import { useSections } from '../../api/lookups';
import { QueryState } from '../../ui/states';
import { AgentsTable } from './AgentsTable';
import { BulkBar } from './BulkBar';
import { ColumnPicker } from './ColumnPicker';
import { type AgentFilters, Filters, NO_FILTERS, toQuery } from './filters';
import { type AgentSort, loadColumns, saveColumns } from './columns';

const PAGE = 50;

export function AgentsPage() {
  const [filters, setFilters] = useState<AgentFilters>(NO_FILTERS);
  const deferred = useDeferredValue(filters);
  const [sort, setSort] = useState<AgentSort | undefined>(undefined);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [columns, setColumns] = useState(loadColumns);
  const sections = useSections();
  const cursor = cursors[cursors.length - 1];
  const agents = useQuery({
    queryKey: ['agents', deferred, sort, cursor],
    queryFn: () => data(api.GET('/api/v1/agents', { params: { query: { ...toQuery(deferred), sort, cursor, limit: PAGE } } })),
    placeholderData: keepPreviousData,
  });
  const changeFilters = (f: AgentFilters) => {
    setFilters(f);
    setCursors([undefined]);
  };
  // A cursor continues only the sort it was issued under: a new sort starts again from the first page.
  const changeSort = (next: AgentSort) => {
    setSort(next);
    setCursors([undefined]);
  };
  const chooseColumns = (ids: string[]) => {
    setColumns(ids);
    saveColumns(ids);
  };
  return (
    <>
      <div className="page-head">
        <h1>Agents</h1>
        <ColumnPicker shown={columns} onChange={chooseColumns} />
      </div>
      <Filters value={filters} onChange={changeFilters} sections={sections.items} />
      <BulkBar selected={[...selected]} sections={sections.items} onDone={() => setSelected(new Set())} />
      <QueryState query={agents} what="Loading agents">
        {(page) => (
          <>
            <AgentsTable agents={page.items} columns={columns} sections={sections.byId} selected={selected} onSelect={setSelected} sort={sort} onSort={changeSort} />
            <nav className="pager" aria-label="Pages">
              <button type="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </button>
              <span>Page {cursors.length}</span>
              <button type="button" disabled={!page.nextCursor} onClick={() => setCursors((c) => [...c, page.nextCursor ?? undefined])}>
                Next
              </button>
            </nav>
          </>
        )}
      </QueryState>
    </>
  );
}
