import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiClientError } from '@/lib/api/client';

/** Retrying a 4xx cannot help (except 429); a 5xx or a network blip may pass. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiClientError && error.status >= 400 && error.status < 500 && error.status !== 429) return false;
  return failureCount < 2;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // The session expired while the page was open: back to sign-in.
        if (error instanceof ApiClientError && error.status === 401 && typeof window !== 'undefined') window.location.assign('/login');
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 0 },
      mutations: { retry: false },
    },
  });
}
