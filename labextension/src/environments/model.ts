import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { Environments, EnvironmentsClient } from './client';
import { isRunning } from './format';

/** State of the environments panel: the list (polled; fast while a build runs) and one followed log. */
export class EnvironmentsModel {
  /**
   * @param refreshKernelSpecs makes JupyterLab re-read the kernelspecs (launcher, kernel pickers);
   *   called as soon as an environment's kernel appears, moves to another build or goes away.
   */
  constructor(
    private readonly refreshKernelSpecs: () => Promise<void> = async () => undefined,
    readonly client = new EnvironmentsClient()
  ) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 10 * 1000, backoff: true, max: 120 * 1000 },
      standby: 'when-hidden',
      name: 'polartep:environments'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get environments(): Environments.IEnvironment[] {
    return this._environments;
  }
  get error(): string | null {
    return this._error;
  }
  /** The build whose log is shown, and the log so far. */
  get followed(): { buildId: number; status: Environments.BuildStatus; log: string } | null {
    return this._followed;
  }

  find(namespace: string, name: string): Environments.IEnvironment | undefined {
    return this._environments.find(e => e.namespace === namespace && e.name === name);
  }

  async refresh(): Promise<void> {
    try {
      this._environments = await this.client.list();
      this._error = null;
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._changed.emit();
      throw error;
    }
    const kernels = this._environments
      .filter(e => e.kernel_name)
      .map(e => `${e.kernel_name}@${e.active_build_id}`)
      .sort()
      .join(',');
    if (kernels !== this._kernels) {
      this._kernels = kernels;
      await this.refreshKernels();
    }
    const running = this._environments.some(e => isRunning(e.status));
    const interval = running ? 1000 : 10 * 1000;
    if (this._poll.frequency.interval !== interval) {
      this._poll.frequency = { interval, backoff: !running, max: 120 * 1000 };
    }
    this._changed.emit();
  }

  /** Make the launcher and kernel pickers show the current kernels now (not at their next poll). */
  async refreshKernels(): Promise<void> {
    try {
      await this.refreshKernelSpecs();
    } catch (error) {
      console.warn('Polar TEP: cannot refresh kernelspecs', error);
    }
  }

  refreshNow(): Promise<void> {
    return this._poll.refresh();
  }

  /** Show the log of `buildId` and keep appending to it until the build has a verdict. */
  follow(buildId: number): void {
    this._followed = { buildId, status: 'QUEUED', log: '' };
    this._offset = 0;
    this._changed.emit();
    void this._tail(buildId);
  }

  stopFollowing(): void {
    this._followed = null;
    this._changed.emit();
  }

  private async _tail(buildId: number): Promise<void> {
    while (this._followed && this._followed.buildId === buildId && !this._disposed) {
      try {
        const chunk = await this.client.log(buildId, this._offset);
        if (!this._followed || this._followed.buildId !== buildId) {
          return;
        }
        this._offset = chunk.next_offset;
        this._followed = { buildId, status: chunk.status, log: this._followed.log + chunk.log };
        this._changed.emit();
        if (!isRunning(chunk.status)) {
          void this.refreshNow();
          return;
        }
      } catch (error) {
        this._error = error instanceof Error ? error.message : String(error);
        this._changed.emit();
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 700));
    }
  }

  dispose(): void {
    this._disposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _poll: Poll;
  private _changed = new Signal<this, void>(this);
  private _environments: Environments.IEnvironment[] = [];
  private _error: string | null = null;
  private _followed: { buildId: number; status: Environments.BuildStatus; log: string } | null = null;
  private _offset = 0;
  private _kernels = '';
  private _disposed = false;
}
