import { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/**
 * Re-render a React component whenever one of `signals` fires; returns a counter that changes
 * with every render it caused (usable as a dependency).
 */
export function useSignals(...signals: ISignal<unknown, unknown>[]): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick(t => t + 1);
    for (const signal of signals) {
      signal.connect(bump);
    }
    return () => {
      for (const signal of signals) {
        signal.disconnect(bump);
      }
    };
  }, signals);
  return tick;
}
