import { PolledModel } from '../common/model';
import { Workflows, WorkflowsClient } from './client';

/** State of the workflows panel: workflow files, templates and runs (polled). */
export class WorkflowsModel extends PolledModel {
  constructor(readonly client: WorkflowsClient) {
    super('polartep:workflows', { interval: 3000, max: 60 * 1000 });
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

  protected async load(): Promise<void> {
    const [files, runs, templates] = await Promise.all([
      this.client.files(),
      this.client.runs(),
      this.client.templates().catch(() => [] as Workflows.ITemplate[])
    ]);
    this._files = files;
    this._runs = runs;
    this._templates = templates;
  }

  private _files: Workflows.IFile[] = [];
  private _templates: Workflows.ITemplate[] = [];
  private _runs: Workflows.IRun[] = [];
}
