import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiError, setCsrfToken, toApiError } from './lib/api.js';
import type { SessionJson } from './lib/types.js';

/** The signed-in session (or null): its CSRF token goes on every mutating request. */
export function useSession() {
  return useQuery<SessionJson | null, ApiError>({
    queryKey: ['session'],
    queryFn: async () => {
      const res = await fetch('/api/auth/session', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (res.status === 401) {
        // Signing in is itself a POST: a server that hands out a token before sign-in puts it here.
        const body = (await res.json().catch(() => ({}))) as { csrf_token?: string };
        setCsrfToken(body.csrf_token ?? null);
        return null;
      }
      if (!res.ok) throw await toApiError(res);
      const s = (await res.json()) as SessionJson;
      setCsrfToken(s.csrf_token);
      return s;
    },
    staleTime: 60_000,
  });
}

export function useRefreshSession() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['session'] });
}

/** Whether the account holds a role (for every firm, or for this one). The server decides; the pages only hide what would be refused. */
export function hasRole(session: SessionJson | null | undefined, role: string, firmId?: string | null): boolean {
  return !!session?.account.grants.some((g) => g.role === role && (g.firm_id === null || firmId === undefined || g.firm_id === firmId));
}
