import { useState } from 'react';
import type { Agent } from '../agents/columns';
import { Empty, QueryState } from '../../ui/states';
import { useInventory } from './SummaryTab';

/** The agent's installed software from its latest inventory, filtered as you type. */
export function SoftwareTab({ agent }: { agent: Agent }) {
  const inventory = useInventory(agent.id);
  const [q, setQ] = useState('');
  return (
    <QueryState query={inventory}>
      {(inv) => {
        const all = inv?.snapshot.software ?? [];
        const shown = all.filter((s) => s.name.toLowerCase().includes(q.toLowerCase()));
        return (
          <>
            <label>
              Search software <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            </label>
            {shown.length === 0 ? (
              <Empty>No software{q ? ` matching “${q}”` : ''}.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Version</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.slice(0, 500).map((s) => (
                    <tr key={`${s.name}@${s.version}`}>
                      <td>{s.name}</td>
                      <td>{s.version}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        );
      }}
    </QueryState>
  );
}
