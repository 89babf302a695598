// When the session is restored or re-checked: on load (DOMContentLoaded), on back/forward inside the app
// (popstate) and when the browser brings the page back from its back-forward cache (pageshow, persisted).
// Listeners are installed before the router's, so the guard is already waiting when the route changes.
//
// The back-forward cache restores the page exactly as it was left, before any script runs again. So when
// the page goes into it (pagehide, persisted) protected pages are swapped for the neutral "Restoring
// session…" first: what Back shows later is that, never a dashboard whose session may be gone by then.
import type { SessionController } from './session-controller.js';

/** Installs the listeners; returns a function that removes them. */
export function watchPageLifecycle(controller: SessionController, target: Window = window): () => void {
  const recheck = (): void => {
    void controller.recheck();
  };
  const onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) recheck();
  };
  const onPageHide = (event: PageTransitionEvent): void => {
    if (event.persisted) controller.suspend();
  };
  if (target.document.readyState === 'loading') {
    target.document.addEventListener('DOMContentLoaded', recheck, { once: true });
  } else {
    recheck();
  }
  target.addEventListener('popstate', recheck, { capture: true });
  target.addEventListener('pageshow', onPageShow);
  target.addEventListener('pagehide', onPageHide);
  return () => {
    target.document.removeEventListener('DOMContentLoaded', recheck);
    target.removeEventListener('popstate', recheck, { capture: true });
    target.removeEventListener('pageshow', onPageShow);
    target.removeEventListener('pagehide', onPageHide);
  };
}
