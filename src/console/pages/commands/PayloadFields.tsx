/** The type-specific part of the new-command form. */
export type CommandType = 'run_command' | 'update_agent' | 'update_package' | 'rotate_key';

export interface PayloadDraft {
  cmd: string;
  args: string;
  shell: boolean;
  timeoutSec: number;
  version: string;
  url: string;
  sha256: string;
  name: string;
  action: 'install' | 'remove' | 'upgrade';
}

export const EMPTY_PAYLOAD: PayloadDraft = { cmd: '', args: '', shell: false, timeoutSec: 60, version: '', url: '', sha256: '', name: '', action: 'install' };

export function PayloadFields({ type, value, onChange }: { type: CommandType; value: PayloadDraft; onChange: (p: PayloadDraft) => void }) {
  const set = (patch: Partial<PayloadDraft>) => onChange({ ...value, ...patch });
  const text = (key: 'cmd' | 'args' | 'version' | 'url' | 'sha256' | 'name', label: string, required = true) => (
    <label>
      {label}
      <input value={value[key]} required={required} onChange={(e) => set({ [key]: e.target.value })} />
    </label>
  );
  if (type === 'run_command') {
    return (
      <>
        {text('cmd', 'Command')}
        {text('args', 'Arguments (space-separated)', false)}
        <label className="inline">
          <input type="checkbox" checked={value.shell} onChange={(e) => set({ shell: e.target.checked })} /> Run through the shell
        </label>
        <label>
          Timeout (s)
          <input type="number" min={1} value={value.timeoutSec} onChange={(e) => set({ timeoutSec: Number(e.target.value) })} />
        </label>
      </>
    );
  }
  if (type === 'rotate_key') return <p className="muted small">The agent asks the server for a new key and saves it itself: the new key is never shown here.</p>;
  if (type === 'update_agent') return <>{[text('version', 'Version'), text('url', 'Download URL'), text('sha256', 'SHA-256')]}</>;
  return (
    <>
      {text('name', 'Package')}
      <label>
        Action
        <select value={value.action} onChange={(e) => set({ action: e.target.value as PayloadDraft['action'] })}>
          <option>install</option>
          <option>remove</option>
          <option>upgrade</option>
        </select>
      </label>
      {text('version', 'Version (optional)', false)}
    </>
  );
}
