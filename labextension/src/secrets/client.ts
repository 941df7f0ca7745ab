/**
 * Typed client of `/polartep/api/secrets`. Listings carry metadata only; a value is fetched
 * only by `reveal`, on an explicit click.
 */
import { jsonInit, requestAPI } from '../api';

export namespace Secrets {
  export type Auth = 'bearer' | 'basic' | 'header';
  export type Source = 'workspace' | 'platform';

  export interface ISecret {
    name: string;
    description: string;
    inject: boolean;
    hosts: string[];
    auth: Auth;
    header: string | null;
    source: Source;
    read_only: boolean;
    created: string | null;
    updated: string | null;
    last_used: string | null;
  }

  export interface IMaskingEvent {
    id: number;
    path: string;
    names: string[];
    count: number;
    time: string;
  }

  export interface IList {
    secrets: ISecret[];
    status: 'ok' | 'locked';
    problem: string | null;
    store: string;
    platform_dir: string | null;
    masked: IMaskingEvent[];
  }

  export interface ICreate {
    name: string;
    value: string;
    description?: string;
    inject?: boolean;
    hosts?: string[];
    auth?: Auth;
    header?: string | null;
  }

  export type IUpdate = Partial<Omit<ICreate, 'name'>>;
}

function path(name?: string, action?: string): string {
  let p = 'api/secrets';
  if (name !== undefined) {
    p += `/${encodeURIComponent(name)}`;
  }
  if (action !== undefined) {
    p += `/${action}`;
  }
  return p;
}

export class SecretsClient {
  list(): Promise<Secrets.IList> {
    return requestAPI<Secrets.IList>(path());
  }
  create(body: Secrets.ICreate): Promise<Secrets.ISecret> {
    return requestAPI<Secrets.ISecret>(path(), jsonInit('POST', body));
  }
  update(name: string, body: Secrets.IUpdate): Promise<Secrets.ISecret> {
    return requestAPI<Secrets.ISecret>(path(name), jsonInit('PATCH', body));
  }
  async remove(name: string): Promise<void> {
    await requestAPI<null>(path(name), jsonInit('DELETE'));
  }
  async reveal(name: string): Promise<string> {
    const reply = await requestAPI<{ name: string; value: string }>(path(name, 'reveal'), jsonInit('POST', {}));
    return reply.value;
  }
}

export { parseHosts, usageSnippet } from './format';
