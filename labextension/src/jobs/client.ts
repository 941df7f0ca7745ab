/**
 * Typed client of the headless jobs API (`/polartep/api/jobs`), built on `requestAPI`.
 */
import { jsonInit, requestAPI } from '../api';

export namespace Jobs {
  export type Status = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
  export const STATUSES: Status[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'];
  export type OutputFormat = 'ipynb' | 'html';

  export interface ICreate {
    /** 'workflow' runs the manifest at `workflow` through the workflows feature */
    kind?: 'notebook' | 'workflow';
    notebook?: string;
    workflow?: string;
    parameters?: Record<string, unknown>;
    kernel?: string;
    timeout?: number;
    tags?: string[];
    outputs?: OutputFormat[];
    name?: string;
  }
  export interface IJob {
    id: string;
    kind: string;
    name: string;
    notebook: string;
    kernel: string;
    parameters: Record<string, unknown>;
    timeout: number;
    tags: string[];
    outputs: string[];
    status: Status;
    message: string;
    error: { ename: string; evalue: string; cell_index: number | null } | null;
    created: number;
    started: number | null;
    finished: number | null;
    progress: { cells_done: number; cells_total: number };
    rerun_of: string | null;
    /** who submitted (or reran) it: the JupyterHub user, else the OS user; '' for old jobs */
    author?: string;
    available_outputs: string[];
    /** kind 'workflow': the manifest's path and the run's name */
    workflow?: string | null;
    workflow_run?: string | null;
  }
  /** A notebook published as an OGC API process. */
  export interface IProcess {
    id: string;
    notebook: string;
    title: string;
    description: string;
    created: number;
    sync_execute: boolean;
  }
  export interface IPublish {
    id: string;
    notebook: string;
    title?: string;
    description?: string;
    sync_execute?: boolean;
  }
  export interface IList {
    jobs: IJob[];
    total: number;
    limit: number;
    offset: number;
  }
  export interface IParameter {
    name: string;
    type: 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object' | 'null' | 'any';
    default: unknown;
    help: string;
  }
  export interface INotebookParameters {
    notebook: string;
    kernel: string;
    kernels: string[];
    parameters: IParameter[];
    default_timeout: number;
  }
  export interface IListQuery {
    status?: Status[];
    tag?: string;
    author?: string;
    limit?: number;
    offset?: number;
  }
}

export class JobsClient {
  async list(query: Jobs.IListQuery = {}): Promise<Jobs.IList> {
    const params = new URLSearchParams();
    if (query.status && query.status.length > 0) {
      params.set('status', query.status.join(','));
    }
    if (query.tag) {
      params.set('tag', query.tag);
    }
    if (query.author) {
      params.set('author', query.author);
    }
    params.set('limit', String(query.limit ?? 50));
    params.set('offset', String(query.offset ?? 0));
    return requestAPI<Jobs.IList>(`api/jobs?${params.toString()}`);
  }
  get(id: string): Promise<Jobs.IJob> {
    return requestAPI<Jobs.IJob>(`api/jobs/${encodeURIComponent(id)}`);
  }
  submit(request: Jobs.ICreate): Promise<Jobs.IJob> {
    return requestAPI<Jobs.IJob>('api/jobs', jsonInit('POST', request));
  }
  parameters(notebook: string): Promise<Jobs.INotebookParameters> {
    return requestAPI<Jobs.INotebookParameters>(`api/jobs/parameters?notebook=${encodeURIComponent(notebook)}`);
  }
  cancel(id: string): Promise<Jobs.IJob> {
    return requestAPI<Jobs.IJob>(`api/jobs/${encodeURIComponent(id)}/cancel`, jsonInit('POST', {}));
  }
  rerun(id: string): Promise<Jobs.IJob> {
    return requestAPI<Jobs.IJob>(`api/jobs/${encodeURIComponent(id)}/rerun`, jsonInit('POST', {}));
  }
  async remove(id: string): Promise<void> {
    await requestAPI<null>(`api/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
  /** The whole log as text (the server answers text/plain). */
  async log(id: string): Promise<string> {
    const text = await requestAPI<unknown>(`api/jobs/${encodeURIComponent(id)}/log`);
    return text === null ? '' : typeof text === 'string' ? text : JSON.stringify(text);
  }
  async processes(): Promise<Jobs.IProcess[]> {
    return (await requestAPI<{ processes: Jobs.IProcess[] }>('api/jobs/processes')).processes;
  }
  publish(request: Jobs.IPublish): Promise<Jobs.IProcess> {
    return requestAPI<Jobs.IProcess>('api/jobs/processes', jsonInit('POST', request));
  }
  async unpublish(id: string): Promise<void> {
    await requestAPI<null>(`api/jobs/processes/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
  /** Copy an output into the workspace; resolves to its workspace path. */
  async copyOutput(id: string, format: Jobs.OutputFormat): Promise<string> {
    const reply = await requestAPI<{ path: string }>(
      `api/jobs/${encodeURIComponent(id)}/outputs/${format}/copy`,
      jsonInit('POST', {})
    );
    return reply.path;
  }
}
