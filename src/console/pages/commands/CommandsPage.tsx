import { Link } from '@tanstack/react-router';
import { useCan } from '../../auth/session';
import { CommandList } from './CommandList';

export function CommandsPage() {
  const canSend = useCan('operator');
  return (
    <>
      <div className="page-head">
        <h1>Commands</h1>
        {canSend && (
          <Link className="button" to="/commands/new" search={{}}>
            New command
          </Link>
        )}
      </div>
      <CommandList />
    </>
  );
}
