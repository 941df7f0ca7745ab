import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

/** The readable text of anything thrown (server errors already carry the server's message). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How often a panel's model polls the server while the panel is visible. */
export interface IPollFrequency {
  /** Milliseconds between two refreshes. */
  interval: number;
  /** The longest back-off (milliseconds) after failures. */
  max: number;
}

/**
 * State of a side panel that polls the server while it is visible (lumino `Poll`, standby when
 * hidden, backing off on errors). Subclasses fetch in `load()`; `changed` fires after every
 * refresh, and a failed refresh keeps the previous data and exposes the message as `error`.
 */
export abstract class PolledModel {
  constructor(name: string, frequency: IPollFrequency) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { ...frequency, backoff: true },
      standby: 'when-hidden',
      name
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The message of the last failed refresh, `null` once a refresh succeeds. */
  get error(): string | null {
    return this._error;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Fetch everything the panel shows; throwing makes the poll back off. */
  protected abstract load(): Promise<void>;

  async refresh(): Promise<void> {
    try {
      await this.load();
      this._error = null;
    } catch (error) {
      this._error = errorMessage(error);
      this.emitChanged();
      throw error;
    }
    this.emitChanged();
  }

  /** Refresh now (toolbar button, panel shown, after an action). */
  refreshNow(): Promise<void> {
    return this._poll.refresh();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  protected emitChanged(): void {
    this._changed.emit();
  }
  /** Record an error from an action outside `load()` and tell the panel. */
  protected setError(error: unknown): void {
    this._error = errorMessage(error);
    this.emitChanged();
  }
  /** Change the poll's pace (e.g. faster while something runs). */
  protected setFrequency(frequency: IPollFrequency, backoff = true): void {
    const current = this._poll.frequency;
    if (current.interval !== frequency.interval || current.max !== frequency.max || current.backoff !== backoff) {
      this._poll.frequency = { ...frequency, backoff };
    }
  }

  private _poll: Poll;
  private _changed = new Signal<this, void>(this);
  private _error: string | null = null;
  private _disposed = false;
}
