import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { queryClient } from './api/query-client';
import { SignIn } from './auth/SignIn';
import { useSession } from './auth/session';
import { useTheme } from './layout/theme';
import { router } from './router';
import { ErrorView, Loading } from './ui/states';
import './styles.css';

function App() {
  useTheme();
  const session = useSession();
  if (session.error) return <ErrorView error={session.error} />;
  if (session.isPending) return <Loading what="Starting" />;
  if (!session.data) return <SignIn />;
  return <RouterProvider router={router} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
