/**
 * Typed client of `/polartep/api/environments` (built only on `requestAPI`/`jsonInit`).
 */
import { jsonInit, requestAPI } from '../api';

export namespace Environments {
  export type BuildStatus = 'QUEUED' | 'BUILDING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  export interface IBuild {
    id: number;
    namespace: string;
    name: string;
    status: BuildStatus;
    specification: string;
    message: string;
    created: string;
    started: string | null;
    finished: string | null;
    has_lockfile: boolean;
  }
  export interface IEnvironment {
    namespace: string;
    name: string;
    specification: string;
    active_build_id: number | null;
    status: BuildStatus;
    kernel_name: string | null;
    builds: IBuild[];
    created: string;
    updated: string;
  }
  export interface IChange {
    environment: IEnvironment;
    build: IBuild | null;
  }
  export interface IPackageChange {
    kind: string;
    name: string;
    spec?: string;
    old?: string;
    new?: string;
  }
  export interface IDiff {
    added: IPackageChange[];
    removed: IPackageChange[];
    changed: IPackageChange[];
    channels: { old: string[]; new: string[] } | null;
    variables: { old: Record<string, string>; new: Record<string, string> } | null;
    unchanged: boolean;
    against_build_id: number | null;
  }
  export interface ILog {
    build_id: number;
    status: BuildStatus;
    log: string;
    offset: number;
    next_offset: number;
  }
}

function envPath(namespace: string, name: string): string {
  return `api/environments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export class EnvironmentsClient {
  async list(): Promise<Environments.IEnvironment[]> {
    const reply = await requestAPI<{ environments: Environments.IEnvironment[] }>('api/environments');
    return reply.environments;
  }
  get(namespace: string, name: string): Promise<Environments.IEnvironment> {
    return requestAPI<Environments.IEnvironment>(envPath(namespace, name));
  }
  create(namespace: string, name: string, specification: string): Promise<Environments.IChange> {
    return requestAPI<Environments.IChange>(
      'api/environments',
      jsonInit('POST', { namespace, name, specification })
    );
  }
  diff(namespace: string, name: string, specification: string): Promise<Environments.IDiff> {
    return requestAPI<Environments.IDiff>(`${envPath(namespace, name)}/diff`, jsonInit('POST', { specification }));
  }
  /** Rebuild; only call after the user confirmed the diff. */
  rebuild(namespace: string, name: string, specification: string): Promise<Environments.IChange> {
    return requestAPI<Environments.IChange>(
      envPath(namespace, name),
      jsonInit('PUT', { specification, confirm: true })
    );
  }
  activate(namespace: string, name: string, buildId: number): Promise<Environments.IChange> {
    return requestAPI<Environments.IChange>(envPath(namespace, name), jsonInit('PUT', { active_build: buildId }));
  }
  async remove(namespace: string, name: string): Promise<void> {
    await requestAPI<null>(envPath(namespace, name), { method: 'DELETE' });
  }
  log(buildId: number, offset = 0): Promise<Environments.ILog> {
    return requestAPI<Environments.ILog>(`api/environments/builds/${buildId}/log?offset=${offset}`);
  }
  async lockfile(buildId: number): Promise<string> {
    const text = await requestAPI<unknown>(`api/environments/builds/${buildId}/lockfile`);
    return typeof text === 'string' ? text : JSON.stringify(text);
  }
  cancel(buildId: number): Promise<Environments.IBuild> {
    return requestAPI<Environments.IBuild>(`api/environments/builds/${buildId}/cancel`, jsonInit('POST', {}));
  }
}
