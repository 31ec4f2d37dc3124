/** An effective configuration key by key, with the policy that set it and the values it overrode. */
import type { Schemas } from '../../api/client';
import { Empty } from '../../ui/states';

type Source = Schemas['PolicySource'];

const sourceName = (s: Source): string => (s.kind === 'policy' ? `${s.name ?? s.policyId} (${s.scope}${s.target ? ` ${s.target}` : ''}, priority ${s.priority})` : s.kind);

export function EffectiveConfig({ provenance, policies }: { provenance: Schemas['ConfigurationProvenance'][]; policies: Source[] }) {
  return (
    <section>
      <h2>Effective configuration</h2>
      <p className="muted small">Merged from: {policies.length === 0 ? 'defaults only' : policies.map(sourceName).join(' → ')}</p>
      {provenance.length === 0 ? (
        <Empty>No keys set.</Empty>
      ) : (
        <table className="provenance">
          <thead>
            <tr>
              <th>Key</th>
              <th>Value</th>
              <th>Set by</th>
              <th>Overrode</th>
            </tr>
          </thead>
          <tbody>
            {provenance.map((p) => (
              <tr key={p.path}>
                <td>
                  <code>{p.path}</code>
                </td>
                <td>
                  <code>{JSON.stringify(p.value)}</code>
                </td>
                <td>{sourceName(p.source)}</td>
                <td className="muted small">{p.overridden.map((o) => `${JSON.stringify(o.value)} by ${sourceName(o.source)}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
