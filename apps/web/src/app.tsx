import { QueryClientProvider } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from './components/layout.js';
import { ROUTES } from './features/auth/guard-decision.js';
import { RouteGuard } from './features/auth/route-guard.js';
import { SessionProvider, useSession } from './features/auth/session-context.js';
import type { SessionController } from './features/auth/session-controller.js';
import { AdminPage } from './routes/admin-page.js';
import { ChangePasswordPage } from './routes/change-password-page.js';
import { DashboardPage } from './routes/dashboard-page.js';
import { DevMailboxPage } from './routes/dev-mailbox-page.js';
import { EmailPage } from './routes/email-page.js';
import { ForgotPasswordPage } from './routes/forgot-password-page.js';
import { DeleteAccountPage } from './routes/delete-account-page.js';
import { HomePage } from './routes/home-page.js';
import { LoggedOutPage } from './routes/logged-out-page.js';
import { LoginPage } from './routes/login-page.js';
import { NotFoundPage } from './routes/not-found-page.js';
import { ResetPasswordPage } from './routes/reset-password-page.js';
import { SessionsPage } from './routes/sessions-page.js';
import { SignupPage } from './routes/signup-page.js';
import { VerifyEmailPage } from './routes/verify-email-page.js';
import { TRPCProvider } from './trpc.js';

/** The route table; every page states who may see it through its guard. */
export function createAppRouter(): ReturnType<typeof createBrowserRouter> {
  return createBrowserRouter([
    {
      element: <Layout />,
      children: [
        {
          index: true,
          element: (
            <RouteGuard access="guest">
              <HomePage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.login,
          element: (
            <RouteGuard access="guest">
              <LoginPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.signup,
          element: (
            <RouteGuard access="guest">
              <SignupPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.dashboard,
          element: (
            <RouteGuard access="protected">
              <DashboardPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.sessions,
          element: (
            <RouteGuard access="protected">
              <SessionsPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.changePassword,
          element: (
            <RouteGuard access="protected">
              <ChangePasswordPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.deleteAccount,
          element: (
            <RouteGuard access="protected">
              <DeleteAccountPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.admin,
          element: (
            <RouteGuard access="admin">
              <AdminPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.email,
          element: (
            <RouteGuard access="protected">
              <EmailPage />
            </RouteGuard>
          ),
        },
        {
          path: ROUTES.forgotPassword,
          element: (
            <RouteGuard access="guest">
              <ForgotPasswordPage />
            </RouteGuard>
          ),
        },
        // Open to anyone: the link's token is the proof, whoever is signed in here.
        { path: ROUTES.resetPassword, element: <ResetPasswordPage /> },
        { path: ROUTES.verifyEmail, element: <VerifyEmailPage /> },
        // Vite replaces import.meta.env.DEV with false in a production build, which then drops the page.
        ...(import.meta.env.DEV ? [{ path: ROUTES.devMailbox, element: <DevMailboxPage /> }] : []),
        { path: ROUTES.loggedOut, element: <LoggedOutPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}

export function App(props: {
  controller: SessionController;
  queryClient: QueryClient;
  router: ReturnType<typeof createBrowserRouter>;
}): ReactElement {
  return (
    <SessionProvider controller={props.controller}>
      <QueryClientProvider client={props.queryClient}>
        <ApiProvider queryClient={props.queryClient}>
          <RouterProvider router={props.router} />
        </ApiProvider>
      </QueryClientProvider>
    </SessionProvider>
  );
}

/** The tRPC client changes with the storage mode; the provider follows it. */
function ApiProvider(props: { queryClient: QueryClient; children: ReactElement }): ReactElement {
  const { client } = useSession();
  return (
    <TRPCProvider trpcClient={client.api} queryClient={props.queryClient}>
      {props.children}
    </TRPCProvider>
  );
}
