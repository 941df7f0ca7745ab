import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { Workflows, WorkflowsClient } from './client';

/** State of the workflows panel: workflow files, templates and runs (polled). */
export class WorkflowsModel {
  constructor(readonly client: WorkflowsClient) {
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 3000, backoff: true, max: 60 * 1000 },
      standby: 'when-hidden',
      name: 'polartep:workflows'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get files(): Workflows.IFile[] {
    return this._files;
  }
  get templates(): Workflows.ITemplate[] {
    return this._templates;
  }
  get runs(): Workflows.IRun[] {
    return this._runs;
  }
  get error(): string | null {
    return this._error;
  }

  async refresh(): Promise<void> {
    try {
      const [files, runs, templates] = await Promise.all([
        this.client.files(),
        this.client.runs(),
        this.client.templates().catch(() => [] as Workflows.ITemplate[])
      ]);
      this._files = files;
      this._runs = runs;
      this._templates = templates;
      this._error = null;
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
  private _files: Workflows.IFile[] = [];
  private _templates: Workflows.ITemplate[] = [];
  private _runs: Workflows.IRun[] = [];
  private _error: string | null = null;
}
