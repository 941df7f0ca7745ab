/**
 * Typed client of `/polartep/api/files` (built on `requestAPI` only).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { APIError, jsonInit, requestAPI } from '../api';

export namespace Files {
  export type OnConflict = 'ask' | 'keep_both' | 'replace' | 'skip';
  export interface IRoot {
    name: string;
    title: string;
    kind: 'local' | 's3' | string;
    available: boolean;
    error: string | null;
    removable: boolean;
  }
  export interface IEntry {
    name: string;
    path: string;
    type: 'file' | 'directory';
    size: number | null;
    modified: string | null;
    kind: string;
  }
  export interface IListing {
    root: string;
    path: string;
    type: 'directory';
    entries: IEntry[];
  }
  export interface IUpload {
    id: string;
    root: string;
    path: string;
    size: number;
    offset: number;
    state: 'receiving' | 'complete' | 'skipped' | 'cancelled';
    final_path: string | null;
  }
  export interface ITask {
    id: string;
    kind: string;
    root: string;
    path: string;
    status: 'queued' | 'running' | 'done' | 'failed';
    progress: number;
    message: string;
    result: { path?: string } | null;
  }
  export interface ITrashEntry {
    id: string;
    root: string;
    path: string;
    type: string;
    deleted: string;
  }
  export type Metadata = Record<string, any> & {
    type: string;
    crs?: string | null;
    bounds?: number[] | null;
    error?: string;
    code?: string;
    url?: string;
  };
}

function enc(path: string): string {
  return path
    .split('/')
    .map(p => encodeURIComponent(p))
    .join('/');
}

export class FilesClient {
  constructor(readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {}

  async roots(): Promise<Files.IRoot[]> {
    return (await requestAPI<{ roots: Files.IRoot[] }>('api/files/roots', {}, this.settings)).roots;
  }
  addRoot(spec: {
    name: string;
    bucket: string;
    prefix?: string;
    endpoint_url?: string | null;
    credentials_secret?: string | null;
  }): Promise<Files.IRoot> {
    return requestAPI('api/files/roots', jsonInit('POST', spec), this.settings);
  }
  removeRoot(name: string): Promise<void> {
    return requestAPI(`api/files/roots/${encodeURIComponent(name)}`, { method: 'DELETE' }, this.settings);
  }
  list(root: string, path: string): Promise<Files.IListing> {
    return requestAPI<Files.IListing>(`api/files/${enc(root)}/${enc(path)}`, {}, this.settings);
  }
  metadata(root: string, path: string): Promise<Files.Metadata> {
    return requestAPI<Files.Metadata>(`api/files/${enc(root)}/${enc(path)}?metadata=1`, {}, this.settings);
  }
  /** A URL the browser opens with its session cookie (quicklook image, download link). */
  url(root: string, path: string, query: string): string {
    return URLExt.join(this.settings.baseUrl, 'polartep', `api/files/${enc(root)}/${enc(path)}`) + `?${query}`;
  }
  mkdir(root: string, path: string): Promise<Files.IEntry> {
    return requestAPI(`api/files/${enc(root)}/${enc(path)}`, jsonInit('PUT', { type: 'directory' }), this.settings);
  }
  move(root: string, path: string, toPath: string, onConflict: Files.OnConflict = 'ask'): Promise<Files.IEntry> {
    return requestAPI(
      `api/files/${enc(root)}/${enc(path)}`,
      jsonInit('PATCH', { to_path: toPath, on_conflict: onConflict }),
      this.settings
    );
  }
  copy(root: string, path: string, toPath: string, onConflict: Files.OnConflict = 'ask', toRoot?: string): Promise<Files.IEntry> {
    return requestAPI(
      `api/files/${enc(root)}/${enc(path)}`,
      jsonInit('POST', { to_path: toPath, to_root: toRoot ?? null, on_conflict: onConflict }),
      this.settings
    );
  }
  remove(root: string, path: string): Promise<Files.ITrashEntry> {
    return requestAPI(`api/files/${enc(root)}/${enc(path)}`, { method: 'DELETE' }, this.settings);
  }
  startUpload(root: string, path: string, size: number, onConflict: Files.OnConflict): Promise<Files.IUpload> {
    return requestAPI(
      'api/files/uploads',
      jsonInit('POST', { root, path, size, on_conflict: onConflict }),
      this.settings
    );
  }
  sendChunk(id: string, offset: number, chunk: Blob): Promise<Files.IUpload> {
    return requestAPI(
      `api/files/uploads/${id}?offset=${offset}`,
      { method: 'PUT', body: chunk, headers: { 'Content-Type': 'application/octet-stream' } },
      this.settings
    );
  }
  cancelUpload(id: string): Promise<Files.IUpload> {
    return requestAPI(`api/files/uploads/${id}`, { method: 'DELETE' }, this.settings);
  }
  startCog(root: string, path: string): Promise<Files.ITask> {
    return requestAPI('api/files/tasks', jsonInit('POST', { kind: 'convert_to_cog', root, path }), this.settings);
  }
  task(id: string): Promise<Files.ITask> {
    return requestAPI(`api/files/tasks/${id}`, {}, this.settings);
  }
  registerItem(root: string, path: string, collectionId: string, create: boolean): Promise<{ item: any }> {
    return requestAPI(
      'api/files/stac-items',
      jsonInit('POST', { root, path, collection_id: collectionId, create_collection: create }),
      this.settings
    );
  }
  async trash(): Promise<Files.ITrashEntry[]> {
    return (await requestAPI<{ entries: Files.ITrashEntry[] }>('api/files/trash', {}, this.settings)).entries;
  }
  restore(id: string): Promise<Files.IEntry> {
    return requestAPI(`api/files/trash/${id}`, jsonInit('POST', { on_conflict: 'keep_both' }), this.settings);
  }
  emptyTrash(): Promise<{ purged: number }> {
    return requestAPI('api/files/trash', { method: 'DELETE' }, this.settings);
  }
}

/** Chunk size of uploads: the server keeps one chunk in memory at a time. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Upload one file in chunks, resuming where the server stopped (after an offset mismatch or a
 * restart of the same upload). `onProgress` gets bytes sent so far.
 */
export async function uploadFile(
  client: FilesClient,
  root: string,
  path: string,
  file: Blob,
  onConflict: Files.OnConflict,
  onProgress: (sent: number) => void,
  signal?: { cancelled: boolean }
): Promise<Files.IUpload> {
  let upload = await client.startUpload(root, path, file.size, onConflict);
  let offset = upload.offset;
  onProgress(offset);
  while (upload.state === 'receiving' && offset < file.size) {
    if (signal?.cancelled) {
      return client.cancelUpload(upload.id);
    }
    try {
      upload = await client.sendChunk(upload.id, offset, file.slice(offset, offset + CHUNK_BYTES));
    } catch (error) {
      if (error instanceof APIError && error.reason === 'offset_mismatch') {
        // resync with what the server has, then continue from there
        upload = await client.startUpload(root, path, file.size, onConflict);
      } else {
        throw error;
      }
    }
    offset = upload.offset;
    onProgress(offset);
  }
  return upload;
}
