import { ReactWidget } from '@jupyterlab/apputils';
import React, { useEffect, useRef, useState } from 'react';

import { useSignals } from '../common/react';
import { Files } from './client';
import { formatBytes, MetadataTable } from './inspector';
import { FilesModel } from './model';

/** What the panel asks of the plugin (commands, dialogs, clipboard, notebooks). */
export interface IFilesActions {
  rename(entry: Files.IEntry): Promise<void>;
  remove(paths: string[]): Promise<void>;
  newFolder(): Promise<void>;
  paste(): Promise<void>;
  download(entry: Files.IEntry): void;
  copyPath(entry: Files.IEntry): void;
  insertCode(code: string): Promise<void>;
  preview(meta: Files.Metadata): Promise<void>;
  canPreview(): boolean;
  convert(entry: Files.IEntry): Promise<void>;
  register(entry: Files.IEntry): Promise<void>;
  restore(id: string): Promise<void>;
}

/** Files (and their folder-relative paths) from a drop, folders walked recursively. */
async function droppedFiles(data: DataTransfer): Promise<{ file: File; relative: string }[]> {
  const out: { file: File; relative: string }[] = [];
  const walk = async (entry: any, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file: File = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ file, relative: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch: any[] = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) {
          break;
        }
        for (const child of batch) {
          await walk(child, `${prefix}${entry.name}/`);
        }
      }
    }
  };
  const entries = Array.from(data.items)
    .map(item => (item as any).webkitGetAsEntry?.())
    .filter(Boolean);
  if (entries.length > 0) {
    for (const entry of entries) {
      await walk(entry, '');
    }
  } else {
    Array.from(data.files).forEach(file => out.push({ file, relative: file.name }));
  }
  return out;
}

function fromInput(input: HTMLInputElement): { file: File; relative: string }[] {
  return Array.from(input.files ?? []).map(file => ({
    file,
    relative: (file as any).webkitRelativePath || file.name
  }));
}

/** A small form to add an S3-compatible bucket as a root (credentials by secret name only). */
function AddBucket(props: { model: FilesModel; onDone: () => void }): JSX.Element {
  const [spec, setSpec] = useState({ name: '', bucket: '', prefix: '', endpoint_url: '', credentials_secret: '' });
  const [error, setError] = useState<string | null>(null);
  const field = (key: keyof typeof spec, label: string) => (
    <label>
      {label}
      <input value={spec[key]} onChange={e => setSpec({ ...spec, [key]: e.target.value })} />
    </label>
  );
  const submit = async () => {
    try {
      await props.model.client.addRoot({
        name: spec.name,
        bucket: spec.bucket,
        prefix: spec.prefix,
        endpoint_url: spec.endpoint_url || null,
        credentials_secret: spec.credentials_secret || null
      });
      await props.model.reloadRoots();
      await props.model.open(spec.name, '');
      props.onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form
      className="jp-polartep-files-addroot"
      aria-label="Add bucket"
      onSubmit={e => {
        e.preventDefault();
        void submit();
      }}
    >
      {field('name', 'Name')}
      {field('bucket', 'Bucket')}
      {field('prefix', 'Prefix')}
      {field('endpoint_url', 'Endpoint URL')}
      {field('credentials_secret', 'Credentials secret')}
      {error && (
        <div className="jp-polartep-error" role="alert">
          {error}
        </div>
      )}
      <button className="jp-mod-styled jp-mod-accept" type="submit">
        Add bucket
      </button>
    </form>
  );
}

function FilesView(props: { model: FilesModel; actions: IFilesActions }): JSX.Element {
  const { model, actions } = props;
  useSignals(model.changed);
  const [dragging, setDragging] = useState(false);
  const [adding, setAdding] = useState(false);
  const [menu, setMenu] = useState<{ x: number; y: number; entry: Files.IEntry } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const crumbs = model.path ? model.path.split('/') : [];
  const entries = model.entries;
  const inspected = entries.find(e => e.path === model.inspecting) ?? null;
  const meta = model.metadata;

  const openEntry = (entry: Files.IEntry) => {
    if (entry.type === 'directory' && entry.kind !== 'zarr') {
      void model.open(model.root, entry.path);
    } else {
      void model.inspect(entry);
    }
  };
  const onKey = (event: React.KeyboardEvent) => {
    const selected = [...model.selection];
    const first = entries.find(e => e.path === selected[0]);
    if (event.key === 'Delete' && selected.length) {
      event.preventDefault();
      void actions.remove(selected);
    } else if (event.key === 'F2' && first) {
      event.preventDefault();
      void actions.rename(first);
    } else if (event.key === 'Enter' && first) {
      openEntry(first);
    } else if ((event.ctrlKey || event.metaKey) && event.key === 'c' && selected.length) {
      model.clipboard = { root: model.root, paths: selected };
    } else if ((event.ctrlKey || event.metaKey) && event.key === 'v' && model.clipboard) {
      void actions.paste();
    }
  };

  return (
    <div className="jp-polartep-files" onClick={() => setMenu(null)}>
      <div className="jp-polartep-files-bar">
        <select
          aria-label="Storage root"
          value={model.root}
          onChange={e => void model.open(e.target.value, '')}
        >
          {model.roots.map(r => (
            <option key={r.name} value={r.name} title={r.error ?? r.title}>
              {r.title}
            </option>
          ))}
        </select>
        <button className="jp-mod-styled" title="Add an S3 bucket" onClick={() => setAdding(!adding)}>
          + Bucket
        </button>
        <button className="jp-mod-styled" onClick={() => void actions.newFolder()}>
          New folder
        </button>
        <button className="jp-mod-styled" onClick={() => fileInput.current?.click()}>
          Upload files
        </button>
        <button className="jp-mod-styled" onClick={() => folderInput.current?.click()}>
          Upload folder
        </button>
        <button
          className="jp-mod-styled"
          aria-pressed={model.trash !== null}
          onClick={() => void model.toggleTrash().catch(() => undefined)}
        >
          Trash
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="files-upload-input"
          onChange={e => {
            void model.upload(fromInput(e.currentTarget));
            e.currentTarget.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          hidden
          onChange={e => {
            void model.upload(fromInput(e.currentTarget));
            e.currentTarget.value = '';
          }}
        />
      </div>
      {adding && <AddBucket model={model} onDone={() => setAdding(false)} />}
      <nav className="jp-polartep-files-crumbs" aria-label="Folder path">
        <button className="jp-polartep-link" onClick={() => void model.open(model.root, '')}>
          {model.root}
        </button>
        {crumbs.map((part, i) => (
          <span key={i}>
            {' / '}
            <button
              className="jp-polartep-link"
              onClick={() => void model.open(model.root, crumbs.slice(0, i + 1).join('/'))}
            >
              {part}
            </button>
          </span>
        ))}
      </nav>
      <div className="jp-polartep-files-bar">
        <input
          aria-label="Filter files"
          placeholder="Filter"
          value={model.filter}
          onChange={e => (model.filter = e.target.value)}
        />
        <select aria-label="Sort by" value={model.sort} onChange={e => (model.sort = e.target.value as any)}>
          <option value="name">Name</option>
          <option value="size">Size</option>
          <option value="modified">Modified</option>
        </select>
      </div>
      {model.error && (
        <div className="jp-polartep-error" role="alert">
          {model.error}
        </div>
      )}
      <ul
        className={`jp-polartep-files-list${dragging ? ' jp-mod-dropTarget' : ''}`}
        role="listbox"
        aria-label="Files"
        aria-multiselectable="true"
        tabIndex={0}
        onKeyDown={onKey}
        onDragOver={e => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={e => {
          e.preventDefault();
          setDragging(false);
          void droppedFiles(e.dataTransfer).then(items => model.upload(items));
        }}
      >
        {entries.length === 0 && <li className="jp-polartep-files-empty">Drop files or folders here</li>}
        {entries.map(entry => (
          <li
            key={entry.path}
            role="option"
            aria-selected={model.selection.has(entry.path)}
            data-kind={entry.kind}
            className="jp-polartep-files-row"
            onClick={e => {
              model.select(entry.path, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only');
              if (entry.type === 'file' || entry.kind === 'zarr') {
                void model.inspect(entry);
              }
            }}
            onDoubleClick={() => openEntry(entry)}
            onContextMenu={e => {
              e.preventDefault();
              model.select(entry.path, 'only');
              setMenu({ x: e.clientX, y: e.clientY, entry });
            }}
          >
            <span className={`jp-polartep-files-icon jp-polartep-files-${entry.kind}`} />
            <span className="jp-polartep-files-name">{entry.name}</span>
            <span className="jp-polartep-files-size">{formatBytes(entry.size)}</span>
          </li>
        ))}
      </ul>
      {menu && (
        <ul className="jp-polartep-files-menu" role="menu" style={{ left: menu.x, top: menu.y }}>
          <li role="menuitem" onClick={() => openEntry(menu.entry)}>
            {menu.entry.type === 'directory' ? 'Open' : 'Inspect'}
          </li>
          <li role="menuitem" onClick={() => actions.download(menu.entry)}>
            Download
          </li>
          <li role="menuitem" onClick={() => void actions.rename(menu.entry)}>
            Rename
          </li>
          <li role="menuitem" onClick={() => actions.copyPath(menu.entry)}>
            Copy path
          </li>
          <li role="menuitem" onClick={() => void actions.remove([menu.entry.path])}>
            Delete
          </li>
        </ul>
      )}
      {model.trash !== null && (
        <section className="jp-polartep-files-trash" aria-label="Trash">
          <h3>Trash</h3>
          {model.trash.length === 0 && <div>The trash is empty.</div>}
          {model.trash.map(t => (
            <div key={t.id} className="jp-polartep-files-trash-row">
              <span title={t.deleted}>
                {t.root}:{t.path}
              </span>
              <button className="jp-mod-styled" onClick={() => void actions.restore(t.id)}>
                Restore
              </button>
            </div>
          ))}
        </section>
      )}
      {model.uploads.length > 0 && (
        <section className="jp-polartep-files-uploads" aria-label="Uploads">
          {model.uploads.slice(0, 8).map(u => (
            <div key={u.key} className="jp-polartep-files-upload" data-state={u.state} title={u.error}>
              <span>{u.name}</span>
              <progress max={u.size || 1} value={u.size ? u.sent : 1} aria-label={`Upload of ${u.name}`} />
              <span>{u.state === 'sending' ? `${Math.round((100 * u.sent) / (u.size || 1))}%` : u.state}</span>
            </div>
          ))}
        </section>
      )}
      {inspected && (
        <section className="jp-polartep-files-inspector" aria-label="Inspector">
          <h3>{inspected.name}</h3>
          {!meta && <div>Inspecting…</div>}
          {meta && <MetadataTable meta={meta} />}
          {meta?.type === 'raster' && !meta.error && (
            <img
              className="jp-polartep-files-quicklook"
              alt={`Quicklook of ${inspected.name}`}
              src={model.client.url(model.root, inspected.path, 'quicklook=1')}
            />
          )}
          <div className="jp-polartep-files-actions">
            {meta?.type === 'raster' && actions.canPreview() && (
              <button className="jp-mod-styled" onClick={() => void actions.preview(meta)}>
                Preview on map
              </button>
            )}
            {meta?.type === 'raster' && !meta.cog?.valid && (
              <button className="jp-mod-styled" onClick={() => void actions.convert(inspected)}>
                Convert to COG
              </button>
            )}
            {meta?.type === 'raster' && (
              <button className="jp-mod-styled" onClick={() => void actions.register(inspected)}>
                Register as STAC item
              </button>
            )}
            {meta?.code && (
              <button className="jp-mod-styled" onClick={() => void actions.insertCode(meta.code ?? '')}>
                Insert code
              </button>
            )}
            <button className="jp-mod-styled" onClick={() => actions.copyPath(inspected)}>
              Copy path
            </button>
            <button className="jp-mod-styled" onClick={() => actions.download(inspected)}>
              Download
            </button>
          </div>
          {model.tasks
            .filter(t => t.path === inspected.path)
            .slice(0, 1)
            .map(t => (
              <div key={t.id} className="jp-polartep-files-task" data-status={t.status}>
                Convert to COG: {t.status}
                {t.status === 'running' || t.status === 'queued' ? (
                  <progress max={1} value={t.progress} aria-label="Conversion progress" />
                ) : t.status === 'done' ? (
                  ` → ${t.result?.path}`
                ) : (
                  ` (${t.message})`
                )}
              </div>
            ))}
        </section>
      )}
    </div>
  );
}

export class FilesBody extends ReactWidget {
  constructor(
    readonly model: FilesModel,
    readonly actions: IFilesActions
  ) {
    super();
    this.addClass('jp-polartep-files-body');
  }
  render(): JSX.Element {
    return <FilesView model={this.model} actions={this.actions} />;
  }
}
