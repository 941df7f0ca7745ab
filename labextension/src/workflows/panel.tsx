import { ReactWidget } from '@jupyterlab/apputils';
import React, { useState } from 'react';

import { useSignals } from '../common/react';
import { notifyError } from '../notify';
import { Workflows } from './client';
import { WorkflowsModel } from './model';

export interface IPanelActions {
  openEditor(path: string): void;
  openRun(name: string, backend?: Workflows.Backend): void;
}

/** "Run" form generated from `spec.arguments.parameters`, with the backend choice. */
function SubmitForm(props: {
  label: string;
  parameters: Workflows.IParameter[];
  onSubmit: (values: Record<string, string>, backend: Workflows.Backend) => Promise<void>;
}): JSX.Element {
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(props.parameters.map(p => [p.name, p.value ?? '']))
  );
  const [backend, setBackend] = useState<Workflows.Backend>('local');
  return (
    <form
      className="jp-polartep-workflows-form"
      aria-label={`Submit ${props.label}`}
      onSubmit={e => {
        e.preventDefault();
        void props.onSubmit(values, backend);
      }}
    >
      {props.parameters.map(p => (
        <label key={p.name}>
          {p.name}
          <input value={values[p.name] ?? ''} onChange={e => setValues({ ...values, [p.name]: e.target.value })} />
        </label>
      ))}
      <label>
        backend
        <select value={backend} onChange={e => setBackend(e.target.value as Workflows.Backend)}>
          <option value="local">local</option>
          <option value="argo">Argo</option>
        </select>
      </label>
      <button type="submit" className="jp-mod-styled jp-mod-accept">
        Submit
      </button>
    </form>
  );
}

function FileRow(props: { file: Workflows.IFile; model: WorkflowsModel; actions: IPanelActions }): JSX.Element {
  const { file, model, actions } = props;
  const [open, setOpen] = useState(false);
  const submit = async (values: Record<string, string>, backend: Workflows.Backend) => {
    try {
      const run = await model.client.submit({ path: file.path, parameters: values, backend });
      setOpen(false);
      void model.refreshNow();
      actions.openRun(run.metadata.name, backend);
    } catch (e) {
      notifyError(`Cannot submit ${file.path}: ${(e as Error).message}`);
    }
  };
  return (
    <li className="jp-polartep-workflows-file" data-path={file.path}>
      <div className="jp-polartep-workflows-row">
        <button className="jp-polartep-link" title={`Edit ${file.path}`} onClick={() => actions.openEditor(file.path)}>
          {file.path}
        </button>
        <span className="jp-polartep-workflows-tag">{file.kind || '?'}</span>
        <button className="jp-mod-styled" aria-label={`Run ${file.path}`} onClick={() => setOpen(!open)}>
          Run…
        </button>
      </div>
      {open && <SubmitForm label={file.path} parameters={file.parameters} onSubmit={submit} />}
    </li>
  );
}

function RunRow(props: { run: Workflows.IRun; model: WorkflowsModel; actions: IPanelActions }): JSX.Element {
  const { run, model, actions } = props;
  const remove = async () => {
    try {
      await model.client.remove(run.name, run.backend);
      void model.refreshNow();
    } catch (e) {
      notifyError(`Cannot delete ${run.name}: ${(e as Error).message}`);
    }
  };
  return (
    <li className="jp-polartep-workflows-row" data-run={run.name} data-phase={run.phase}>
      <span
        className={`jp-polartep-workflows-dot jp-polartep-workflows-phase-${run.phase.toLowerCase()}`}
        title={run.phase}
      />
      <button className="jp-polartep-link" onClick={() => actions.openRun(run.name, run.backend)} title={run.message}>
        {run.name}
      </button>
      <span className="jp-polartep-workflows-detail">
        {run.phase} {run.progress} · {run.backend}
      </span>
      <button className="jp-mod-styled" aria-label={`Delete ${run.name}`} onClick={() => void remove()}>
        ✕
      </button>
    </li>
  );
}

function PanelView(props: { model: WorkflowsModel; actions: IPanelActions }): JSX.Element {
  const { model, actions } = props;
  useSignals(model.changed);
  const submitTemplate = async (t: Workflows.ITemplate, values: Record<string, string>, backend: Workflows.Backend) => {
    try {
      const run = await model.client.submitTemplate(t.name, values, backend);
      actions.openRun(run.metadata.name, backend);
      void model.refreshNow();
    } catch (e) {
      notifyError(`Cannot submit ${t.name}: ${(e as Error).message}`);
    }
  };
  return (
    <div className="jp-polartep-workflows">
      {model.error && (
        <div className="jp-polartep-error" role="alert">
          {model.error}
        </div>
      )}
      <section aria-label="Workflow files">
        <h3>Workflow files</h3>
        {model.files.length === 0 && <p className="jp-polartep-workflows-hint">No *.workflow.yaml in the workspace.</p>}
        <ul className="jp-polartep-list">
          {model.files.map(f => (
            <FileRow key={f.path} file={f} model={model} actions={actions} />
          ))}
        </ul>
      </section>
      {model.templates.length > 0 && (
        <section aria-label="Workflow templates">
          <h3>Templates</h3>
          <ul className="jp-polartep-list">
            {model.templates.map(t => (
              <li key={t.name}>
                <strong>{t.name}</strong> {t.description}
                <SubmitForm label={t.name} parameters={t.parameters} onSubmit={(v, b) => submitTemplate(t, v, b)} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label="Workflow runs">
        <h3>Runs</h3>
        <ul className="jp-polartep-list">
          {model.runs.map(r => (
            <RunRow key={`${r.backend}/${r.name}`} run={r} model={model} actions={actions} />
          ))}
        </ul>
      </section>
    </div>
  );
}

export class WorkflowsBody extends ReactWidget {
  constructor(
    readonly model: WorkflowsModel,
    private readonly _actions: IPanelActions
  ) {
    super();
    this.addClass('jp-polartep-workflows-body');
  }
  render(): JSX.Element {
    return <PanelView model={this.model} actions={this._actions} />;
  }
}
