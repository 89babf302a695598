import type { ReactElement } from 'react';
import { NavLink, Outlet } from 'react-router';
import { ROUTES } from '../features/auth/guard-decision.js';
import { useSession } from '../features/auth/session-context.js';
import { StorageModeSetting } from '../features/auth/storage-mode-setting.js';
import { useLogout } from '../features/auth/use-logout.js';

export function Layout(): ReactElement {
  const { auth } = useSession();
  const logout = useLogout();
  const user = auth.status === 'authenticated' ? auth.user : null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <NavLink to={user === null ? ROUTES.home : ROUTES.dashboard} className="brand">
          Latchkey
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {user === null ? (
              <>
                <li>
                  <NavLink to={ROUTES.login}>Log in</NavLink>
                </li>
                <li>
                  <NavLink to={ROUTES.signup}>Sign up</NavLink>
                </li>
              </>
            ) : (
              <>
                <li>
                  <NavLink to={ROUTES.dashboard}>Tasks</NavLink>
                </li>
                <li>
                  <NavLink to={ROUTES.sessions}>Sessions</NavLink>
                </li>
                <li>
                  <NavLink to={ROUTES.changePassword}>Password</NavLink>
                </li>
                <li>
                  <NavLink to={ROUTES.email}>Email</NavLink>
                </li>
                {user.role === 'admin' ? (
                  <li>
                    <NavLink to={ROUTES.admin}>Admin</NavLink>
                  </li>
                ) : null}
              </>
            )}
          </ul>
        </nav>
        <div className="header-tools">
          <StorageModeSetting variant="compact" />
          {user === null ? null : (
            <>
              <span className="signed-in-as">
                Signed in as <strong>{user.username}</strong>
              </span>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  void logout();
                }}
              >
                Log out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
