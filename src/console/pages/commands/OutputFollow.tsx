/**
 * An execution's output, followed live: the contract's `follow=true` answer is Server-Sent Events
 * (`output` events, then `end`). EventSource cannot go through the typed client, so the URL is built here
 * from the operation's path; it resumes by itself with Last-Event-ID after a dropped connection.
 */
import { useEffect, useState } from 'react';
import { queryClient } from '../../api/query-client';

type Stream = 'stdout' | 'stderr';

function outputUrl(commandId: string, agentId: string, stream: Stream): string {
  return `/api/v1/commands/${encodeURIComponent(commandId)}/executions/${encodeURIComponent(agentId)}/output?follow=true&stream=${stream}`;
}

function useFollow(commandId: string, agentId: string, stream: Stream): { text: string; ended: string | null } {
  const [text, setText] = useState('');
  const [ended, setEnded] = useState<string | null>(null);
  useEffect(() => {
    setText('');
    setEnded(null);
    const source = new EventSource(outputUrl(commandId, agentId, stream), { withCredentials: true });
    source.addEventListener('output', (e) => {
      const piece = JSON.parse((e as MessageEvent<string>).data) as { data: string }; // contract: { stream, offset, data }
      setText((t) => t + piece.data);
    });
    source.addEventListener('end', (e) => {
      const end = JSON.parse((e as MessageEvent<string>).data) as { state?: string };
      setEnded(end.state ?? 'ended');
      source.close();
      void queryClient.invalidateQueries({ queryKey: ['command', commandId] });
    });
    return () => source.close();
  }, [commandId, agentId, stream]);
  return { text, ended };
}

export function OutputFollow({ commandId, agentId }: { commandId: string; agentId: string }) {
  const out = useFollow(commandId, agentId, 'stdout');
  const err = useFollow(commandId, agentId, 'stderr');
  return (
    <div className="output">
      <pre role="log" aria-label="Standard output" data-testid="stdout">
        {out.text || (out.ended ? '(no output)' : 'waiting for output…')}
      </pre>
      {err.text && (
        <pre role="log" className="stderr" aria-label="Standard error">
          {err.text}
        </pre>
      )}
      {out.ended && <p className="muted small">Ended: {out.ended}</p>}
    </div>
  );
}
