import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { ApiError } from './lib/api.js';
import { initI18n } from './i18n.js';
import { PrefsProvider, readStoredLang } from './prefs.js';
import { router } from './router.js';
import './styles.css';

initI18n(readStoredLang());

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; only network trouble is retried.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <PrefsProvider>
        <RouterProvider router={router} />
      </PrefsProvider>
    </QueryClientProvider>
  </StrictMode>,
);
