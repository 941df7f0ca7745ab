import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { Secrets, SecretsClient } from './client';

/** State of the Secrets panel: the listing (polled while visible) and masking notices. */
export class SecretsModel {
  constructor(readonly client = new SecretsClient()) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 30 * 1000, backoff: true, max: 300 * 1000 },
      standby: 'when-hidden',
      name: 'polartep:secrets'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Masking events not seen before (each is emitted once). */
  get masked(): ISignal<this, Secrets.IMaskingEvent> {
    return this._masked;
  }
  get list(): Secrets.IList | null {
    return this._list;
  }
  get error(): string | null {
    return this._error;
  }

  async refresh(): Promise<void> {
    try {
      const list = await this.client.list();
      const first = this._list === null && !this._primed;
      this._list = list;
      this._error = null;
      for (const event of list.masked) {
        if (!this._seen.has(event.id)) {
          this._seen.add(event.id);
          if (!first) {
            this._masked.emit(event);
          }
        }
      }
      this._primed = true;
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._changed.emit();
      throw error;
    }
    this._changed.emit();
  }

  refreshNow(): Promise<void> {
    return this._poll.refresh();
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _poll: Poll;
  private _changed = new Signal<this, void>(this);
  private _masked = new Signal<this, Secrets.IMaskingEvent>(this);
  private _list: Secrets.IList | null = null;
  private _error: string | null = null;
  private _seen = new Set<number>();
  private _primed = false;
}
