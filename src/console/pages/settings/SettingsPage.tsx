/** Settings: sections, enrollment secrets, tokens, console sessions, and the system summary and tenants for system admins. */
import { useCan } from '../../auth/session';
import { SectionsPanel } from './SectionsPanel';
import { SecretsPanel } from './SecretsPanel';
import { SessionsPanel } from './SessionsPanel';
import { SystemPanel } from './SystemPanel';
import { TenantsPanel } from './TenantsPanel';
import { TokensPanel } from './TokensPanel';

export function SettingsPage() {
  const admin = useCan('admin');
  const system = useCan('system');
  return (
    <>
      <h1>Settings</h1>
      <SectionsPanel />
      {admin && <SecretsPanel />}
      {admin && <TokensPanel />}
      {admin && <SessionsPanel />}
      {system && <SystemPanel />}
      {system && <TenantsPanel />}
    </>
  );
}
