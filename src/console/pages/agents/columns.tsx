/** The agents table's columns: what each shows and how it sorts. The choice of shown columns is remembered. */
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';
import { formatAgo, formatTime } from '../../ui/time';

export type Agent = Schemas['Agent'];

export interface Column {
  id: string;
  label: string;
  cell: (a: Agent, sections: Map<string, string>) => ReactNode;
  sortKey: (a: Agent, sections: Map<string, string>) => string | number;
}

const kernel = (a: Agent): string => {
  const status = a.latestStatus as Record<string, unknown> | null; // free-form agent status report
  const k = status?.kernel ?? status?.kernel_version;
  return typeof k === 'string' ? k : '';
};

export const COLUMNS: Column[] = [
  {
    id: 'hostname',
    label: 'Hostname',
    cell: (a) => (
      <Link to="/agents/$agentId" params={{ agentId: a.id }}>
        {a.hostname}
      </Link>
    ),
    sortKey: (a) => a.hostname,
  },
  { id: 'name', label: 'Name', cell: (a) => a.name ?? '', sortKey: (a) => a.name ?? '' },
  { id: 'status', label: 'Status', cell: (a) => <span className={`badge ${a.status}`}>{a.status}</span>, sortKey: (a) => a.status },
  { id: 'online', label: 'Online', cell: (a) => <span className={`dot ${a.online ? 'on' : 'off'}`}>{a.online ? 'online' : 'offline'}</span>, sortKey: (a) => (a.online ? 1 : 0) },
  { id: 'os', label: 'OS', cell: (a) => `${a.os ?? ''} ${a.arch ?? ''}`, sortKey: (a) => a.os ?? '' },
  { id: 'kernel', label: 'Kernel', cell: kernel, sortKey: kernel },
  { id: 'section', label: 'Section', cell: (a, s) => (a.sectionId ? (s.get(a.sectionId) ?? '…') : '—'), sortKey: (a, s) => (a.sectionId ? (s.get(a.sectionId) ?? '') : '') },
  {
    id: 'tags',
    label: 'Tags',
    cell: (a) =>
      a.tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      )),
    sortKey: (a) => a.tags.join(','),
  },
  { id: 'agentVersion', label: 'Agent version', cell: (a) => a.agentVersion ?? '', sortKey: (a) => a.agentVersion ?? '' },
  {
    id: 'lastSeen',
    label: 'Last seen',
    cell: (a) => (
      <time dateTime={a.lastSeenAt ?? undefined} title={formatTime(a.lastSeenAt)}>
        {formatAgo(a.lastSeenAt)}
      </time>
    ),
    sortKey: (a) => a.lastSeenAt ?? '',
  },
  { id: 'ip', label: 'IP', cell: (a) => (a.ipAddresses ?? []).join(', '), sortKey: (a) => String(a.ipAddresses?.[0] ?? '') },
];

const KEY = 'agentry.agents.columns';
const DEFAULT = ['hostname', 'name', 'status', 'online', 'os', 'section', 'tags', 'agentVersion', 'lastSeen', 'ip'];

export function loadColumns(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (Array.isArray(saved) && saved.every((s) => typeof s === 'string')) return saved;
  } catch {
    // a damaged entry falls back to the defaults
  }
  return DEFAULT;
}

export function saveColumns(ids: string[]): void {
  localStorage.setItem(KEY, JSON.stringify(ids));
}
