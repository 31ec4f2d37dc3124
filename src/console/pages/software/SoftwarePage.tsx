/** Fleet-wide software search: which agents have a package, at which versions. */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { Empty, QueryState } from '../../ui/states';

export function SoftwarePage() {
  const [input, setInput] = useState('');
  const [name, setName] = useState('');
  const usage = useQuery({
    queryKey: ['software', name],
    enabled: name !== '',
    queryFn: () => data(api.GET('/api/v1/software', { params: { query: { name, limit: 500 } } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setName(input.trim());
  };
  return (
    <>
      <h1>Software</h1>
      <search>
        <form className="filters" onSubmit={submit}>
          <label>
            Package name
            <input type="search" value={input} onChange={(e) => setInput(e.target.value)} placeholder="openssl" />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      {name === '' ? (
        <Empty>Type a package name.</Empty>
      ) : (
        <QueryState query={usage}>
          {(u) =>
            u.items.length === 0 ? (
              <Empty>No agent has {name}.</Empty>
            ) : (
              <>
                <p>Versions: {u.versions.map((v) => `${v.version} (${v.agents})`).join(', ')}</p>
                <table>
                  <thead>
                    <tr>
                      <th>Agent</th>
                      <th>Version</th>
                    </tr>
                  </thead>
                  <tbody>
                    {u.items.map((i) => (
                      <tr key={`${i.agentId}${i.version}`}>
                        <td>
                          <Link to="/agents/$agentId" params={{ agentId: i.agentId }}>
                            {i.agentId.slice(0, 8)}
                          </Link>
                        </td>
                        <td>{i.version}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )
          }
        </QueryState>
      )}
    </>
  );
}
