/** Who is signed in: the current console session (a 401 means nobody). */
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError, api, data } from '../api/client';
import { queryClient } from '../api/query-client';
import { startEventStream, stopEventStream } from '../api/events';

export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        const current = await data(api.GET('/api/v1/sessions/current'));
        startEventStream();
        return current;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

/** Drops every cached answer but the session's (whose observer the app keeps): nothing of one sign-in leaks into the next. */
function forgetOtherQueries(): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
}

export function useSignIn() {
  return useMutation({
    // The token goes to the server once and is forgotten: it is never stored in the page.
    mutationFn: (token: string) => data(api.POST('/api/v1/sessions', { body: { token } })),
    onSuccess: (current) => {
      forgetOtherQueries();
      queryClient.setQueryData(['session'], current);
      startEventStream();
    },
  });
}

export function useSignOut() {
  return useMutation({
    mutationFn: () => data(api.DELETE('/api/v1/sessions/current')),
    onSettled: () => {
      stopEventStream();
      queryClient.setQueryData(['session'], null);
      forgetOtherQueries();
    },
  });
}

export type Role = 'viewer' | 'operator' | 'admin' | 'system';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, system: 3 };

/** Whether the signed-in role may do what needs `least` (the server checks again). */
export function useCan(least: Role): boolean {
  const { data: current } = useSession();
  return current ? RANK[current.principal.role] >= RANK[least] : false;
}
