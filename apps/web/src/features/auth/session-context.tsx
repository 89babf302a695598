// React's view of the session controller: one context, read with useSyncExternalStore so every component
// sees the same snapshot in the same render.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ReactElement, ReactNode } from 'react';
import type { SessionController, SessionSnapshot } from './session-controller.js';

const SessionContext = createContext<SessionController | null>(null);

export function SessionProvider(props: { controller: SessionController; children: ReactNode }): ReactElement {
  return <SessionContext.Provider value={props.controller}>{props.children}</SessionContext.Provider>;
}

export function useSessionController(): SessionController {
  const controller = useContext(SessionContext);
  if (controller === null) throw new Error('useSessionController() needs a <SessionProvider>');
  return controller;
}

export function useSession(): SessionSnapshot {
  const controller = useSessionController();
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}
