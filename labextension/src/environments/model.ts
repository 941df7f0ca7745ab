import { PolledModel } from '../common/model';
import { Environments, EnvironmentsClient } from './client';
import { isRunning } from './format';

/** State of the environments panel: the list (polled; fast while a build runs) and one followed log. */
export class EnvironmentsModel extends PolledModel {
  /**
   * @param refreshKernelSpecs makes JupyterLab re-read the kernelspecs (launcher, kernel pickers);
   *   called as soon as an environment's kernel appears, moves to another build or goes away.
   */
  constructor(
    private readonly refreshKernelSpecs: () => Promise<void> = async () => undefined,
    readonly client = new EnvironmentsClient()
  ) {
    super('polartep:environments', { interval: 10 * 1000, max: 120 * 1000 });
  }

  get environments(): Environments.IEnvironment[] {
    return this._environments;
  }
  /** The build whose log is shown, and the log so far. */
  get followed(): { buildId: number; status: Environments.BuildStatus; log: string } | null {
    return this._followed;
  }

  find(namespace: string, name: string): Environments.IEnvironment | undefined {
    return this._environments.find(e => e.namespace === namespace && e.name === name);
  }

  protected async load(): Promise<void> {
    this._environments = await this.client.list();
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
    this.setFrequency({ interval: running ? 1000 : 10 * 1000, max: 120 * 1000 }, !running);
  }

  /** Make the launcher and kernel pickers show the current kernels now (not at their next poll). */
  async refreshKernels(): Promise<void> {
    try {
      await this.refreshKernelSpecs();
    } catch (error) {
      console.warn('Polar TEP: cannot refresh kernelspecs', error);
    }
  }

  /** Show the log of `buildId` and keep appending to it until the build has a verdict. */
  follow(buildId: number): void {
    this._followed = { buildId, status: 'QUEUED', log: '' };
    this._offset = 0;
    this.emitChanged();
    void this._tail(buildId);
  }

  stopFollowing(): void {
    this._followed = null;
    this.emitChanged();
  }

  private async _tail(buildId: number): Promise<void> {
    while (this._followed && this._followed.buildId === buildId && !this.isDisposed) {
      try {
        const chunk = await this.client.log(buildId, this._offset);
        if (!this._followed || this._followed.buildId !== buildId) {
          return;
        }
        this._offset = chunk.next_offset;
        this._followed = { buildId, status: chunk.status, log: this._followed.log + chunk.log };
        this.emitChanged();
        if (!isRunning(chunk.status)) {
          void this.refreshNow();
          return;
        }
      } catch (error) {
        this.setError(error);
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 700));
    }
  }

  private _environments: Environments.IEnvironment[] = [];
  private _followed: { buildId: number; status: Environments.BuildStatus; log: string } | null = null;
  private _offset = 0;
  private _kernels = '';
}
