import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import React, { useEffect, useState } from 'react';

import { errorMessage } from '../common/model';
import { useSignals } from '../common/react';
import { notifyError } from '../notify';
import { Environments } from './client';
import { diffLines, groupByNamespace, IFormFields, isRunning, nameOfSpec, specFromForm } from './format';
import { EnvironmentsModel } from './model';

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function Badge(props: { status: Environments.BuildStatus }): JSX.Element {
  return (
    <span className={`jp-polartep-environments-badge jp-polartep-environments-${props.status.toLowerCase()}`}>
      {props.status.toLowerCase()}
    </span>
  );
}

function CreateForm(props: { model: EnvironmentsModel; onDone: () => void }): JSX.Element {
  const { model, onDone } = props;
  const [mode, setMode] = useState<'form' | 'yaml'>('form');
  const [namespace, setNamespace] = useState('default');
  const [fields, setFields] = useState<IFormFields>({ name: '', python: '3.11', packages: '', pip: '' });
  const [yaml, setYaml] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (key: keyof IFormFields) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setFields({ ...fields, [key]: e.target.value });

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const text = mode === 'form' ? specFromForm(fields) : yaml;
    const name = mode === 'form' ? fields.name.trim() : nameOfSpec(yaml) ?? '';
    setBusy(true);
    try {
      const change = await model.client.create(namespace.trim() || 'default', name, text);
      if (change.build) {
        model.follow(change.build.id);
      }
      await model.refreshNow();
      onDone();
    } catch (error) {
      notifyError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const upload = (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) {
      void file.text().then(setYaml);
    }
  };

  return (
    <form className="jp-polartep-environments-create" onSubmit={e => void submit(e)} aria-label="New environment">
      <div className="jp-polartep-environments-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'form'} onClick={() => setMode('form')}>
          Packages
        </button>
        <button type="button" role="tab" aria-selected={mode === 'yaml'} onClick={() => setMode('yaml')}>
          environment.yml
        </button>
      </div>
      <label>
        Namespace
        <input className="jp-mod-styled" value={namespace} onChange={e => setNamespace(e.target.value)} />
      </label>
      {mode === 'form' ? (
        <>
          <label>
            Name
            <input className="jp-mod-styled" value={fields.name} onChange={set('name')} placeholder="sea-ice" required />
          </label>
          <label>
            Python version
            <input className="jp-mod-styled" value={fields.python} onChange={set('python')} placeholder="3.11" />
          </label>
          <label>
            Conda packages (one per line, e.g. <code>gdal&gt;=3.8</code>)
            <textarea className="jp-mod-styled" rows={2} value={fields.packages} onChange={set('packages')} />
          </label>
          <label>
            Pip packages (one per line, e.g. <code>xarray==2024.6.0</code>)
            <textarea className="jp-mod-styled" rows={3} value={fields.pip} onChange={set('pip')} />
          </label>
        </>
      ) : (
        <>
          <label>
            environment.yml
            <textarea
              className="jp-mod-styled jp-polartep-environments-yaml"
              rows={10}
              value={yaml}
              onChange={e => setYaml(e.target.value)}
              placeholder={'name: sea-ice\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip:\n      - xarray'}
            />
          </label>
          <label className="jp-polartep-environments-upload">
            Upload a file <input type="file" accept=".yml,.yaml" onChange={upload} />
          </label>
        </>
      )}
      <div className="jp-polartep-environments-actions">
        <button type="submit" className="jp-mod-styled jp-mod-accept" disabled={busy}>
          {busy ? 'Creating…' : 'Create and build'}
        </button>
        <button type="button" className="jp-mod-styled" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Rebuild(props: { model: EnvironmentsModel; env: Environments.IEnvironment }): JSX.Element {
  const { model, env } = props;
  const [text, setText] = useState(env.specification);
  const [diff, setDiff] = useState<Environments.IDiff | null>(null);
  const review = async () => {
    try {
      setDiff(await model.client.diff(env.namespace, env.name, text));
    } catch (error) {
      notifyError(errorMessage(error));
    }
  };
  const confirm = async () => {
    try {
      const change = await model.client.rebuild(env.namespace, env.name, text);
      setDiff(null);
      if (change.build) {
        model.follow(change.build.id);
      }
      await model.refreshNow();
    } catch (error) {
      notifyError(errorMessage(error));
    }
  };
  return (
    <div className="jp-polartep-environments-rebuild">
      <label>
        Specification
        <textarea
          className="jp-mod-styled jp-polartep-environments-yaml"
          rows={8}
          value={text}
          onChange={e => {
            setText(e.target.value);
            setDiff(null);
          }}
          aria-label="Specification"
        />
      </label>
      {diff === null ? (
        <button className="jp-mod-styled" onClick={() => void review()}>
          Review changes
        </button>
      ) : (
        <div className="jp-polartep-environments-diff" aria-label="Changes">
          <div>
            Changes against build {diff.against_build_id ?? '—'}:
          </div>
          <ul>
            {diffLines(diff).map(line => (
              <li key={line} className={`jp-polartep-environments-diff-${line[0] === '+' ? 'add' : line[0] === '-' ? 'remove' : 'change'}`}>
                {line}
              </li>
            ))}
          </ul>
          <button className="jp-mod-styled jp-mod-accept" onClick={() => void confirm()}>
            Rebuild
          </button>
          <button className="jp-mod-styled" onClick={() => setDiff(null)}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}

function Details(props: {
  model: EnvironmentsModel;
  env: Environments.IEnvironment;
  commands: CommandRegistry;
}): JSX.Element {
  const { model, env, commands } = props;
  const act = (fn: () => Promise<unknown>) => () =>
    void fn()
      .then(() => model.refreshNow())
      .catch(error => notifyError(errorMessage(error)));
  const remove = async () => {
    const result = await showDialog({
      title: 'Delete environment',
      body: `Delete ${env.namespace}/${env.name}, all its builds and its kernel?`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (result.button.accept) {
      await model.client.remove(env.namespace, env.name);
      model.stopFollowing();
    }
  };
  return (
    <div className="jp-polartep-environments-details" aria-label={`Environment ${env.name}`}>
      <div className="jp-polartep-environments-kernel">
        {env.kernel_name ? (
          <>
            Kernel <code>{env.kernel_name}</code>{' '}
            <button
              className="jp-mod-styled"
              onClick={() =>
                void model
                  .refreshKernels()
                  .then(() => commands.execute('notebook:create-new', { kernelName: env.kernel_name }))
                  .catch(error => notifyError(errorMessage(error)))
              }
            >
              New notebook
            </button>
          </>
        ) : (
          <span>No kernel yet: the environment has no completed build.</span>
        )}
      </div>
      <ol className="jp-polartep-environments-builds" aria-label="Builds">
        {[...env.builds].reverse().map(build => (
          <li key={build.id} data-build={build.id} title={build.message}>
            <div className="jp-polartep-environments-build-head">
              <span>#{build.id}</span>
              <Badge status={build.status} />
              {build.id === env.active_build_id && <span className="jp-polartep-environments-active">active</span>}
              <span className="jp-polartep-environments-date">{build.created.replace('T', ' ').slice(0, 16)}</span>
            </div>
            {build.status === 'FAILED' && build.message && (
              <div className="jp-polartep-environments-message">{build.message}</div>
            )}
            <div className="jp-polartep-environments-build-actions">
              <button className="jp-mod-styled" onClick={() => model.follow(build.id)}>
                Log
              </button>
              {isRunning(build.status) && (
                <button className="jp-mod-styled" onClick={act(() => model.client.cancel(build.id))}>
                  Cancel
                </button>
              )}
              {build.status === 'COMPLETED' && build.id !== env.active_build_id && (
                <button
                  className="jp-mod-styled"
                  onClick={act(() => model.client.activate(env.namespace, env.name, build.id))}
                >
                  Make active
                </button>
              )}
              {build.has_lockfile && (
                <button
                  className="jp-mod-styled"
                  onClick={act(async () =>
                    download(`${env.name}-build-${build.id}.lock.txt`, await model.client.lockfile(build.id))
                  )}
                >
                  Lockfile
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
      <Rebuild key={`${env.namespace}/${env.name}/${env.active_build_id}`} model={model} env={env} />
      <div className="jp-polartep-environments-actions">
        <button className="jp-mod-styled" onClick={() => download(`${env.name}.environment.yml`, env.specification)}>
          Export environment.yml
        </button>
        <button className="jp-mod-styled jp-mod-warn" onClick={act(remove)}>
          Delete…
        </button>
      </div>
    </div>
  );
}

function Log(props: { model: EnvironmentsModel }): JSX.Element | null {
  const followed = props.model.followed;
  const ref = React.useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (ref.current) {
      ref.current.scrollTop = ref.current.scrollHeight;
    }
  });
  if (!followed) {
    return null;
  }
  return (
    <section className="jp-polartep-environments-log" aria-label="Build log">
      <div className="jp-polartep-environments-log-head">
        Build #{followed.buildId} <Badge status={followed.status} />
        {isRunning(followed.status) && <progress aria-label="Building" />}
        <button className="jp-mod-styled" onClick={() => props.model.stopFollowing()} aria-label="Close log">
          ×
        </button>
      </div>
      <pre ref={ref}>{followed.log}</pre>
    </section>
  );
}

function EnvironmentsView(props: { model: EnvironmentsModel; commands: CommandRegistry }): JSX.Element {
  const { model, commands } = props;
  useSignals(model.changed);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <div className="jp-polartep-environments">
      {model.error && (
        <div className="jp-polartep-error" role="alert">
          {model.error}
        </div>
      )}
      {creating ? (
        <CreateForm model={model} onDone={() => setCreating(false)} />
      ) : (
        <button className="jp-mod-styled jp-mod-accept" onClick={() => setCreating(true)}>
          New environment
        </button>
      )}
      {model.environments.length === 0 && !creating && (
        <p className="jp-polartep-environments-empty">
          No environments yet. Create one from a list of packages or an environment.yml; it becomes a kernel in the
          launcher as soon as its build completes.
        </p>
      )}
      {groupByNamespace(model.environments).map(([namespace, envs]) => (
        <section key={namespace} aria-label={`Namespace ${namespace}`}>
          <h3>{namespace}</h3>
          <ul className="jp-polartep-list">
            {envs.map(env => {
              const key = `${env.namespace}/${env.name}`;
              return (
                <li key={key} data-environment={key}>
                  <button
                    className="jp-polartep-environments-row"
                    aria-expanded={selected === key}
                    onClick={() => setSelected(selected === key ? null : key)}
                  >
                    <span className="jp-polartep-environments-name">{env.name}</span>
                    <Badge status={env.status} />
                  </button>
                  {selected === key && <Details model={model} env={env} commands={commands} />}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      <Log model={model} />
    </div>
  );
}

export class EnvironmentsBody extends ReactWidget {
  constructor(
    private readonly model: EnvironmentsModel,
    private readonly commands: CommandRegistry
  ) {
    super();
    this.addClass('jp-polartep-environments-body');
  }
  protected render(): JSX.Element {
    return <EnvironmentsView model={this.model} commands={this.commands} />;
  }
}
