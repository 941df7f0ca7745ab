import React from 'react';

import { PROJECTIONS } from './types';

/** One `<option>` for each projection the workspace's maps offer (for a projection `<select>`). */
export function ProjectionOptions(): JSX.Element {
  return (
    <>
      {PROJECTIONS.map(p => (
        <option key={p.code} value={p.code}>
          {p.label}
        </option>
      ))}
    </>
  );
}
