import { ISignal, Signal } from '@lumino/signaling';

import { PolledModel } from '../common/model';
import { Secrets, SecretsClient } from './client';

/** State of the Secrets panel: the listing (polled while visible) and masking notices. */
export class SecretsModel extends PolledModel {
  constructor(readonly client = new SecretsClient()) {
    super('polartep:secrets', { interval: 30 * 1000, max: 300 * 1000 });
  }

  /** Masking events not seen before (each is emitted once). */
  get masked(): ISignal<this, Secrets.IMaskingEvent> {
    return this._masked;
  }
  get list(): Secrets.IList | null {
    return this._list;
  }

  protected async load(): Promise<void> {
    const list = await this.client.list();
    const first = this._list === null && !this._primed;
    this._list = list;
    for (const event of list.masked) {
      if (!this._seen.has(event.id)) {
        this._seen.add(event.id);
        if (!first) {
          this._masked.emit(event);
        }
      }
    }
    this._primed = true;
  }

  private _masked = new Signal<this, Secrets.IMaskingEvent>(this);
  private _list: Secrets.IList | null = null;
  private _seen = new Set<number>();
  private _primed = false;
}
