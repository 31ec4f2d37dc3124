/** The agents table's filters: exactly the API's (search, online, OS, tag, section). */
import type { Schemas } from '../../api/client';

export interface AgentFilters {
  q: string;
  status: '' | 'active' | 'revoked';
  online: '' | 'true' | 'false';
  os: string;
  tag: string;
  sectionId: string;
}

export const NO_FILTERS: AgentFilters = { q: '', status: '', online: '', os: '', tag: '', sectionId: '' };

export function toQuery(f: AgentFilters) {
  return {
    q: f.q || undefined,
    status: f.status || undefined,
    online: f.online === '' ? undefined : f.online === 'true',
    os: f.os || undefined,
    tag: f.tag || undefined,
    sectionId: f.sectionId || undefined,
  };
}

export function Filters({ value, onChange, sections }: { value: AgentFilters; onChange: (f: AgentFilters) => void; sections: Schemas['Section'][] }) {
  const set = (patch: Partial<AgentFilters>) => onChange({ ...value, ...patch });
  return (
    <search className="filters">
      <label>
        Search
        <input type="search" value={value.q} placeholder="hostname or name" onChange={(e) => set({ q: e.target.value })} />
      </label>
      <label>
        Status
        <select value={value.status} onChange={(e) => set({ status: e.target.value as AgentFilters['status'] })}>
          <option value="">any</option>
          <option value="active">active</option>
          <option value="revoked">revoked</option>
        </select>
      </label>
      <label>
        Online
        <select value={value.online} onChange={(e) => set({ online: e.target.value as AgentFilters['online'] })}>
          <option value="">any</option>
          <option value="true">online</option>
          <option value="false">offline</option>
        </select>
      </label>
      <label>
        OS
        <input value={value.os} placeholder="linux" onChange={(e) => set({ os: e.target.value })} />
      </label>
      <label>
        Tag
        <input value={value.tag} onChange={(e) => set({ tag: e.target.value })} />
      </label>
      <label>
        Section
        <select value={value.sectionId} onChange={(e) => set({ sectionId: e.target.value })}>
          <option value="">any</option>
          {sections.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
    </search>
  );
}
