import { useDeferredValue, useState } from 'react';
import { AuditTable, type AuditFilters } from './AuditTable';

/** The filterable audit log. */
export function AuditPage() {
  const [f, setF] = useState<AuditFilters>({});
  const deferred = useDeferredValue(f);
  const field = (key: keyof AuditFilters, label: string) => (
    <label>
      {label}
      <input value={f[key] ?? ''} onChange={(e) => setF({ ...f, [key]: e.target.value || undefined })} />
    </label>
  );
  return (
    <>
      <h1>Audit</h1>
      <search className="filters">
        {field('action', 'Action')}
        {field('resourceType', 'Resource type')}
        {field('resourceId', 'Resource id')}
        {field('actorId', 'Actor id')}
      </search>
      <AuditTable filters={deferred} />
    </>
  );
}
