import { useId } from 'react';
import type { InputHTMLAttributes, ReactElement } from 'react';

/** A visible label tied to its input, and an optional hint read out with it. */
export function FormField(
  props: { label: string; hint?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>,
): ReactElement {
  const { label, hint, ...input } = props;
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} {...(hint === undefined ? {} : { 'aria-describedby': hintId })} />
      {hint === undefined ? null : (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
