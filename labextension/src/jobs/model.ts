import { PolledModel } from '../common/model';
import { Jobs, JobsClient } from './client';

/** State of the jobs panel: the filtered list (polled, faster while jobs run) and the open log. */
export class JobsModel extends PolledModel {
  constructor(readonly client = new JobsClient()) {
    super('polartep:jobs', { interval: 2000, max: 60 * 1000 });
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
    this.emitChanged();
    void this.refreshNow();
  }

  protected async load(): Promise<void> {
    const reply = await this.client.list({
      status: this._status ? [this._status] : [],
      tag: this._tag || undefined,
      limit: 100
    });
    this._jobs = reply.jobs;
    this._total = reply.total;
    this._processes = await this.client.processes().catch(() => this._processes);
    if (this._selected) {
      const job = reply.jobs.find(j => j.id === this._selected);
      if (job) {
        this._log = await this.client.log(job.id).catch(() => this._log);
      }
    }
  }

  private _jobs: Jobs.IJob[] = [];
  private _total = 0;
  private _processes: Jobs.IProcess[] = [];
  private _status: Jobs.Status | '' = '';
  private _tag = '';
  private _selected: string | null = null;
  private _log = '';
}
