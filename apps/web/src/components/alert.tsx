import type { ReactElement, ReactNode } from 'react';

/** An error or notice, announced by screen readers when it appears. */
export function Alert(props: { tone: 'error' | 'info' | 'success'; children: ReactNode }): ReactElement {
  return (
    <div className={`alert alert-${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}
