/**
 * Typed client of `/polartep/api/workflows` (built only on `requestAPI`/`jsonInit`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { jsonInit, requestAPI } from '../api';

export namespace Workflows {
  export type Backend = 'local' | 'argo';
  export interface IParameter {
    name: string;
    value?: string | null;
  }
  export interface IFile {
    path: string;
    kind: string;
    name: string;
    parameters: IParameter[];
  }
  export interface IRun {
    name: string;
    backend: Backend;
    phase: string;
    message: string;
    progress: string;
    createdAt: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    entrypoint: string | null;
    source: string;
  }
  export interface INode {
    id: string;
    name: string;
    displayName: string;
    type: string;
    phase: string;
    templateName?: string;
    boundaryID?: string;
    children?: string[];
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    inputs?: any;
    outputs?: any;
  }
  export interface IWorkflow {
    apiVersion: string;
    kind: string;
    metadata: { name: string; [key: string]: any };
    spec: any;
    status?: { phase?: string; message?: string; progress?: string; nodes?: Record<string, INode> };
  }
  export interface IProblem {
    path: string;
    message: string;
  }
  export interface ILint {
    valid: boolean;
    problems: IProblem[];
    manifest: any | null;
    yaml?: string;
    path?: string;
  }
  export interface ITemplate {
    name: string;
    path: string;
    backend: string;
    entrypoint: string;
    description: string;
    parameters: IParameter[];
  }
}

const BASE = 'api/workflows';

function query(backend?: Workflows.Backend): string {
  return backend ? `?backend=${encodeURIComponent(backend)}` : '';
}

function filePath(path: string): string {
  return path
    .split('/')
    .map(part => encodeURIComponent(part))
    .join('/');
}

export class WorkflowsClient {
  async runs(): Promise<Workflows.IRun[]> {
    return (await requestAPI<{ runs: Workflows.IRun[] }>(`${BASE}/runs`)).runs;
  }
  run(name: string, backend?: Workflows.Backend): Promise<Workflows.IWorkflow> {
    return requestAPI(`${BASE}/runs/${encodeURIComponent(name)}${query(backend)}`);
  }
  submit(body: {
    manifest?: any;
    path?: string;
    parameters?: Record<string, string>;
    backend?: Workflows.Backend;
  }): Promise<Workflows.IWorkflow> {
    return requestAPI(`${BASE}/runs`, jsonInit('POST', body));
  }
  async log(name: string, node?: string, backend?: Workflows.Backend): Promise<string> {
    const params = new URLSearchParams();
    if (node) {
      params.set('node', node);
    }
    if (backend) {
      params.set('backend', backend);
    }
    const reply = await requestAPI<{ log: string }>(
      `${BASE}/runs/${encodeURIComponent(name)}/log?${params.toString()}`
    );
    return reply.log;
  }
  act(
    name: string,
    action: 'stop' | 'terminate' | 'retry' | 'resubmit',
    backend?: Workflows.Backend
  ): Promise<Workflows.IWorkflow> {
    return requestAPI(`${BASE}/runs/${encodeURIComponent(name)}/${action}${query(backend)}`, jsonInit('PUT', {}));
  }
  async remove(name: string, backend?: Workflows.Backend): Promise<void> {
    await requestAPI(`${BASE}/runs/${encodeURIComponent(name)}${query(backend)}`, { method: 'DELETE' });
  }
  /** Download link of an output artifact of a local run (the browser's cookie authenticates it). */
  artifactUrl(name: string, node: string, artifact: string): string {
    const base = ServerConnection.makeSettings().baseUrl;
    return URLExt.join(
      base,
      'polartep',
      BASE,
      'runs',
      encodeURIComponent(name),
      'artifacts',
      encodeURIComponent(node),
      encodeURIComponent(artifact)
    );
  }
  lint(body: { manifest?: any; yaml?: string }): Promise<Workflows.ILint> {
    return requestAPI(`${BASE}/lint`, jsonInit('POST', body));
  }
  async files(): Promise<Workflows.IFile[]> {
    return (await requestAPI<{ files: Workflows.IFile[] }>(`${BASE}/files`)).files;
  }
  readFile(path: string): Promise<Workflows.ILint> {
    return requestAPI(`${BASE}/files/${filePath(path)}`);
  }
  saveFile(path: string, body: { manifest?: any; yaml?: string }): Promise<Workflows.ILint> {
    return requestAPI(`${BASE}/files/${filePath(path)}`, jsonInit('PUT', body));
  }
  submitTemplate(
    name: string,
    parameters: Record<string, string>,
    backend?: Workflows.Backend
  ): Promise<Workflows.IWorkflow> {
    return requestAPI(
      `${BASE}/templates/${encodeURIComponent(name)}/submit`,
      jsonInit('POST', { parameters, backend })
    );
  }
  async templates(backend?: Workflows.Backend): Promise<Workflows.ITemplate[]> {
    return (await requestAPI<{ templates: Workflows.ITemplate[] }>(`${BASE}/templates${query(backend)}`)).templates;
  }
}
