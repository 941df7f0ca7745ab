import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { Jobs, JobsClient } from './client';

/** State of the jobs panel: the filtered list (polled, faster while jobs run) and the open log. */
export class JobsModel {
  constructor(readonly client = new JobsClient()) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 2000, backoff: true, max: 60 * 1000 },
      standby: 'when-hidden',
      name: 'polartep:jobs'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get jobs(): Jobs.IJob[] {
    return this._jobs;
  }
  /** Notebooks published as OGC API processes. */
  get processes(): Jobs.IProcess[] {
    return this._processes;
  }
  get total(): number {
    return this._total;
  }
  get error(): string | null {
    return this._error;
  }
  get statusFilter(): Jobs.Status | '' {
    return this._status;
  }
  set statusFilter(value: Jobs.Status | '') {
    this._status = value;
    void this.refreshNow();
  }
  get tagFilter(): string {
    return this._tag;
  }
  set tagFilter(value: string) {
    this._tag = value;
    void this.refreshNow();
  }
  /** The job whose details and log are shown. */
  get selected(): string | null {
    return this._selected;
  }
  get log(): string {
    return this._log;
  }
  select(id: string | null): void {
    this._selected = id === this._selected ? null : id;
    this._log = '';
    this._changed.emit();
    void this.refreshNow();
  }

  async refresh(): Promise<void> {
    try {
      const reply = await this.client.list({
        status: this._status ? [this._status] : [],
        tag: this._tag || undefined,
        limit: 100
      });
      this._jobs = reply.jobs;
      this._total = reply.total;
      this._processes = await this.client.processes().catch(() => this._processes);
      this._error = null;
      if (this._selected) {
        const job = reply.jobs.find(j => j.id === this._selected);
        if (job) {
          this._log = await this.client.log(job.id).catch(() => this._log);
        }
      }
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
  private _jobs: Jobs.IJob[] = [];
  private _total = 0;
  private _processes: Jobs.IProcess[] = [];
  private _error: string | null = null;
  private _status: Jobs.Status | '' = '';
  private _tag = '';
  private _selected: string | null = null;
  private _log = '';
}
