/**
 * The rows of one page of agents, with a checkbox per row for bulk actions. A header of a column the API can
 * sort by sets the list's sort (ascending, then descending on a second click); the rows arrive in that order.
 */
import { Empty } from '../../ui/states';
import { type Agent, type AgentSort, COLUMNS, type Column } from './columns';

interface Props {
  agents: Agent[];
  columns: string[];
  sections: Map<string, string>;
  selected: Set<string>;
  onSelect: (s: Set<string>) => void;
  sort: AgentSort | undefined;
  onSort: (s: AgentSort) => void;
}

function ariaSort(c: Column, sort: AgentSort | undefined): 'ascending' | 'descending' | 'none' {
  if (!c.sort) return 'none';
  if (sort === c.sort) return 'ascending';
  return sort === `-${c.sort}` ? 'descending' : 'none';
}

export function AgentsTable({ agents, columns, sections, selected, onSelect, sort, onSort }: Props) {
  if (agents.length === 0) return <Empty>No agents match.</Empty>;
  const shown = COLUMNS.filter((c) => columns.includes(c.id));
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
              <th key={c.id} aria-sort={ariaSort(c, sort)}>
                {c.sort ? (
                  <button type="button" className="sort" onClick={() => c.sort && onSort(sort === c.sort ? `-${c.sort}` : c.sort)}>
                    {c.label}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
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
