import { PolledModel } from '../common/model';
import { Files, FilesClient, uploadFile } from './client';

export interface IUploadRow {
  key: string;
  name: string;
  size: number;
  sent: number;
  state: 'waiting' | 'sending' | 'done' | 'skipped' | 'failed' | 'cancelled';
  error?: string;
}

export interface ITaskRow {
  task: Files.ITask;
}

/** What the user answers to a name clash. */
export type ClashAnswer = 'keep_both' | 'replace' | 'skip';

export type SortKey = 'name' | 'size' | 'modified';

/** State of the files panel: roots, current folder, selection, inspector, uploads and tasks. */
export class FilesModel extends PolledModel {
  constructor(readonly client: FilesClient = new FilesClient()) {
    super('polartep:files', { interval: 15 * 1000, max: 120 * 1000 });
  }

  get roots(): Files.IRoot[] {
    return this._roots;
  }
  get root(): string {
    return this._root;
  }
  get path(): string {
    return this._path;
  }
  get selection(): ReadonlySet<string> {
    return this._selection;
  }
  get metadata(): Files.Metadata | null {
    return this._metadata;
  }
  get inspecting(): string | null {
    return this._inspecting;
  }
  get uploads(): IUploadRow[] {
    return this._uploads;
  }
  get tasks(): Files.ITask[] {
    return this._tasks;
  }
  get filter(): string {
    return this._filter;
  }
  set filter(value: string) {
    this._filter = value;
    this.emitChanged();
  }
  get sort(): SortKey {
    return this._sort;
  }
  set sort(value: SortKey) {
    this._sort = value;
    this.emitChanged();
  }
  /** Copied entries (Ctrl+C), pasted into the current folder with Ctrl+V. */
  clipboard: { root: string; paths: string[] } | null = null;

  /** The listing, filtered and sorted (folders first). */
  get entries(): Files.IEntry[] {
    const needle = this._filter.toLowerCase();
    const rows = this._entries.filter(e => !needle || e.name.toLowerCase().includes(needle));
    const key = this._sort;
    return rows.sort((a, b) => {
      if (a.type !== b.type) {
        return a.type === 'directory' ? -1 : 1;
      }
      if (key === 'size') {
        return (b.size ?? 0) - (a.size ?? 0);
      }
      if (key === 'modified') {
        return (b.modified ?? '').localeCompare(a.modified ?? '');
      }
      return a.name.localeCompare(b.name, undefined, { numeric: true });
    });
  }

  /** Ask the user what to do on a name clash (set by the panel). */
  askClash: (name: string) => Promise<ClashAnswer> = async () => 'keep_both';

  protected async load(): Promise<void> {
    if (this._roots.length === 0) {
      this._roots = await this.client.roots();
    }
    const listing = await this.client.list(this._root, this._path);
    this._entries = listing.entries;
  }

  async open(root: string, path: string): Promise<void> {
    this._root = root;
    this._path = path;
    this._selection.clear();
    this._filter = '';
    this._entries = [];
    this.emitChanged();
    await this.refresh().catch(() => undefined);
  }

  join(name: string): string {
    return this._path ? `${this._path}/${name}` : name;
  }

  select(path: string, mode: 'only' | 'toggle' | 'range'): void {
    if (mode === 'only') {
      this._selection = new Set([path]);
    } else if (mode === 'toggle') {
      if (this._selection.has(path)) {
        this._selection.delete(path);
      } else {
        this._selection.add(path);
      }
    } else {
      const paths = this.entries.map(e => e.path);
      const last = [...this._selection].pop();
      const [a, b] = [paths.indexOf(last ?? path), paths.indexOf(path)].sort((x, y) => x - y);
      paths.slice(Math.max(0, a), b + 1).forEach(p => this._selection.add(p));
    }
    this.emitChanged();
  }

  async inspect(entry: Files.IEntry): Promise<void> {
    this._inspecting = entry.path;
    this._metadata = null;
    this.emitChanged();
    try {
      const meta = await this.client.metadata(this._root, entry.path);
      if (this._inspecting === entry.path) {
        this._metadata = meta;
      }
    } catch (error) {
      this._metadata = { type: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    this.emitChanged();
  }

  /** Upload files (with their relative paths for folders) into the current folder. */
  async upload(items: { file: File; relative: string }[]): Promise<void> {
    const root = this._root;
    const base = this._path;
    const rows: IUploadRow[] = items.map(({ file, relative }) => ({
      key: `${Date.now()}-${Math.random()}`,
      name: relative,
      size: file.size,
      sent: 0,
      state: 'waiting' as IUploadRow['state']
    }));
    this._uploads = [...rows, ...this._uploads].slice(0, 50);
    this.emitChanged();
    for (let i = 0; i < items.length; i++) {
      const row = rows[i];
      const target = base ? `${base}/${items[i].relative}` : items[i].relative;
      row.state = 'sending';
      this.emitChanged();
      try {
        let policy: Files.OnConflict = 'ask';
        for (;;) {
          try {
            const done = await uploadFile(this.client, root, target, items[i].file, policy, sent => {
              row.sent = sent;
              this.emitChanged();
            });
            row.state = done.state === 'skipped' ? 'skipped' : 'done';
            break;
          } catch (error: any) {
            if (policy === 'ask' && error?.reason === 'exists') {
              policy = await this.askClash(items[i].relative);
              continue;
            }
            throw error;
          }
        }
      } catch (error) {
        row.state = 'failed';
        row.error = error instanceof Error ? error.message : String(error);
      }
      this.emitChanged();
    }
    await this.refresh().catch(() => undefined);
  }

  async convertToCog(path: string): Promise<Files.ITask> {
    let task = await this.client.startCog(this._root, path);
    this._tasks = [task, ...this._tasks];
    this.emitChanged();
    while (task.status === 'queued' || task.status === 'running') {
      await new Promise(resolve => setTimeout(resolve, 500));
      task = await this.client.task(task.id);
      this._tasks = this._tasks.map(t => (t.id === task.id ? task : t));
      this.emitChanged();
    }
    await this.refresh().catch(() => undefined);
    return task;
  }

  async reloadRoots(): Promise<void> {
    this._roots = await this.client.roots();
    this.emitChanged();
  }

  /** The trash, shown in the panel while `trash` is not null. */
  get trash(): Files.ITrashEntry[] | null {
    return this._trash;
  }
  async toggleTrash(): Promise<void> {
    this._trash = this._trash === null ? await this.client.trash() : null;
    this.emitChanged();
  }
  async restore(id: string): Promise<void> {
    await this.client.restore(id);
    this._trash = await this.client.trash();
    await this.refresh().catch(() => undefined);
  }

  private _roots: Files.IRoot[] = [];
  private _root = 'workspace';
  private _path = '';
  private _entries: Files.IEntry[] = [];
  private _selection = new Set<string>();
  private _metadata: Files.Metadata | null = null;
  private _inspecting: string | null = null;
  private _uploads: IUploadRow[] = [];
  private _tasks: Files.ITask[] = [];
  private _filter = '';
  private _sort: SortKey = 'name';
  private _trash: Files.ITrashEntry[] | null = null;
}
