// The visible storage-mode setting: radio buttons with each trade-off on the login and signup pages, a
// compact select in the header.
import { STORAGE_MODES } from '@latchkey/client';
import type { StorageMode } from '@latchkey/client';
import { useId } from 'react';
import type { ReactElement } from 'react';
import { useSession, useSessionController } from './session-context.js';
import { isStorageMode, STORAGE_MODE_DESCRIPTIONS } from './storage-mode.js';

export function StorageModeSetting(props: { variant: 'full' | 'compact' }): ReactElement {
  const { mode } = useSession();
  const controller = useSessionController();
  const id = useId();
  const choose = (value: string): void => {
    if (isStorageMode(value)) controller.setMode(value);
  };

  if (props.variant === 'compact') {
    return (
      <div className="storage-compact">
        <label htmlFor={id}>Token storage</label>
        <select
          id={id}
          value={mode}
          onChange={(event) => {
            choose(event.target.value);
          }}
          aria-describedby={`${id}-note`}
        >
          {STORAGE_MODES.map((option) => (
            <option key={option} value={option}>
              {STORAGE_MODE_DESCRIPTIONS[option].label}
            </option>
          ))}
        </select>
        <span id={`${id}-note`} className="visually-hidden">
          {STORAGE_MODE_DESCRIPTIONS[mode].tradeOff}
        </span>
      </div>
    );
  }

  return (
    <fieldset className="storage-modes">
      <legend>Where should this browser keep your access token?</legend>
      {STORAGE_MODES.map((option: StorageMode) => (
        <div className="storage-option" key={option}>
          <input
            type="radio"
            id={`${id}-${option}`}
            name={`${id}-storage-mode`}
            value={option}
            checked={mode === option}
            onChange={(event) => {
              choose(event.target.value);
            }}
            aria-describedby={`${id}-${option}-note`}
          />
          <label htmlFor={`${id}-${option}`}>{STORAGE_MODE_DESCRIPTIONS[option].label}</label>
          <p className="hint" id={`${id}-${option}-note`}>
            {STORAGE_MODE_DESCRIPTIONS[option].tradeOff}
          </p>
        </div>
      ))}
    </fieldset>
  );
}
