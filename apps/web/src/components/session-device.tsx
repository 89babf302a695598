import type { ReactElement } from 'react';

/** What every sessions list shows of a session's device: its label (the raw agent on hover) where it signed in and was last used. */
export function SessionDevice(props: {
  session: {
    deviceLabel: string;
    userAgent: string | null;
    signedInFrom: string | null;
    lastUsedFrom: string | null;
  };
  current?: boolean;
}): ReactElement {
  const { session, current = false } = props;
  return (
    <>
      <span title={session.userAgent ?? undefined}>{session.deviceLabel}</span>
      {current ? <span className="badge">This session</span> : null}
      {session.signedInFrom === null ? null : (
        <span className="hint session-address">Signed in from {session.signedInFrom}</span>
      )}
      {session.lastUsedFrom === null ? null : (
        <span className="hint session-address">Last used from {session.lastUsedFrom}</span>
      )}
    </>
  );
}
