import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { Docs, DocsClient, Examples, ExamplesClient, Status, StatusClient } from '../api';

/** State of the home panel: workspace status (polled), examples and documentation pages. */
export class HomeModel {
  constructor(refreshSeconds = 30) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: refreshSeconds * 1000, backoff: true, max: 300 * 1000 },
      standby: 'when-hidden',
      name: 'polartep:status'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get status(): Status.IReply | null {
    return this._status;
  }
  get examples(): Examples.IExample[] {
    return this._examples;
  }
  get pages(): Docs.IPageInfo[] {
    return this._pages;
  }
  get error(): string | null {
    return this._error;
  }

  /** Change how often the status is polled (at least every 5 s). */
  set refreshSeconds(seconds: number) {
    this._poll.frequency = { interval: Math.max(5, seconds) * 1000, backoff: true, max: 300 * 1000 };
  }

  /** Fetch status, examples and pages; errors are kept for the panel to show. */
  async refresh(): Promise<void> {
    try {
      const [status, examples, pages] = await Promise.all([
        this._statusClient.get(),
        this._examplesClient.list().catch(() => [] as Examples.IExample[]),
        this._docsClient.list().catch(() => [] as Docs.IPageInfo[])
      ]);
      this._status = status;
      this._examples = examples;
      this._pages = pages;
      this._error = null;
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._changed.emit();
      throw error; // lets the poll back off
    }
    this._changed.emit();
  }

  /** Refresh now (e.g. from the toolbar button). */
  refreshNow(): Promise<void> {
    return this._poll.refresh();
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _poll: Poll;
  private _changed = new Signal<this, void>(this);
  private _status: Status.IReply | null = null;
  private _examples: Examples.IExample[] = [];
  private _pages: Docs.IPageInfo[] = [];
  private _error: string | null = null;
  private _statusClient = new StatusClient();
  private _examplesClient = new ExamplesClient();
  private _docsClient = new DocsClient();
}
