import { describeApiError } from '@latchkey/client';
import { QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createAppRouter } from './app.js';
import { env } from './env.js';
import { watchPageLifecycle } from './features/auth/page-lifecycle.js';
import { createSessionController } from './features/auth/session-controller.js';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Retry only what a retry can fix (the network); an auth or input error is final, and the auth link
      // already retried an expired token once.
      retry: (failureCount, error) => failureCount < 2 && describeApiError(error).code === null,
      staleTime: 15_000,
    },
    mutations: { retry: false },
  },
});

function preferencesStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const controller = createSessionController({
  apiUrl: env.apiUrl,
  preferences: preferencesStorage(),
  // A different user (or none) must never see the previous user's cached data.
  onUserChange: () => {
    queryClient.clear();
  },
});

// Before the router exists, so a back/forward re-check starts before the route changes.
watchPageLifecycle(controller);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App controller={controller} queryClient={queryClient} router={createAppRouter()} />
  </StrictMode>,
);
