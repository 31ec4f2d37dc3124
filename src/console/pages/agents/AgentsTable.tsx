/** The rows of one page of agents, sortable by any shown column, with a checkbox per row for bulk actions. */
import { useState } from 'react';
import { Empty } from '../../ui/states';
import { type Agent, COLUMNS } from './columns';

export function AgentsTable({ agents, columns, sections, selected, onSelect }: { agents: Agent[]; columns: string[]; sections: Map<string, string>; selected: Set<string>; onSelect: (s: Set<string>) => void }) {
  const [sort, setSort] = useState<{ id: string; dir: 1 | -1 } | null>(null);
  if (agents.length === 0) return <Empty>No agents match.</Empty>;
  const shown = COLUMNS.filter((c) => columns.includes(c.id));
  const sortColumn = sort ? COLUMNS.find((c) => c.id === sort.id) : undefined;
  const rows = sortColumn && sort ? [...agents].sort((a, b) => (sortColumn.sortKey(a, sections) > sortColumn.sortKey(b, sections) ? sort.dir : -sort.dir)) : agents;
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    onSelect(next);
  };
  const all = agents.every((a) => selected.has(a.id));
  return (
    <div className="table-wrap">
      <table className="agents">
        <thead>
          <tr>
            <th>
              <input type="checkbox" aria-label="Select all on this page" checked={all} onChange={() => onSelect(all ? new Set() : new Set(agents.map((a) => a.id)))} />
            </th>
            {shown.map((c) => (
              <th key={c.id} aria-sort={sort?.id === c.id ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="sort" onClick={() => setSort({ id: c.id, dir: sort?.id === c.id && sort.dir === 1 ? -1 : 1 })}>
                  {c.label}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>
                <input type="checkbox" aria-label={`Select ${a.hostname}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} />
              </td>
              {shown.map((c) => (
                <td key={c.id} data-label={c.label}>
                  {c.cell(a, sections)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
