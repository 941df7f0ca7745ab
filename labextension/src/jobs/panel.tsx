import { ReactWidget } from '@jupyterlab/apputils';
import React from 'react';

import { useSignals } from '../common/react';
import { Jobs } from './client';
import { duration, progressText, STATUS_LABEL } from './format';
import { JobsModel } from './model';

/** What the panel asks the plugin to do (opening files and dialogs lives in the plugin). */
export interface IJobActions {
  openOutput(job: Jobs.IJob): void;
  openHtml(job: Jobs.IJob): void;
  cancel(job: Jobs.IJob): void;
  rerun(job: Jobs.IJob): void;
  remove(job: Jobs.IJob): void;
  unpublish(process: Jobs.IProcess): void;
}

function elapsed(job: Jobs.IJob): string {
  if (!job.started) {
    return '';
  }
  return duration((job.finished ?? Date.now() / 1000) - job.started);
}

function JobRow(props: { job: Jobs.IJob; model: JobsModel; actions: IJobActions }): JSX.Element {
  const { job, model, actions } = props;
  const open = model.selected === job.id;
  const active = job.status === 'queued' || job.status === 'running';
  const { cells_done, cells_total } = job.progress;
  return (
    <li className="jp-polartep-jobs-item" data-job-id={job.id} data-status={job.status}>
      <div className="jp-polartep-jobs-row">
        <button
          className="jp-polartep-link jp-polartep-jobs-name"
          title={job.kind === 'workflow' ? `${job.notebook} · ${job.workflow_run ?? ''}` : `${job.notebook} · ${job.kernel}`}
          aria-expanded={open}
          onClick={() => model.select(job.id)}
        >
          {job.name}
        </button>
        <span className="jp-polartep-jobs-kind" data-kind={job.kind} title={`a ${job.kind} job`}>
          {job.kind}
        </span>
        <span className={`jp-polartep-jobs-status jp-polartep-jobs-status-${job.status}`}>
          {STATUS_LABEL[job.status] ?? job.status}
        </span>
      </div>
      <div className="jp-polartep-jobs-meta">
        {job.kind === 'workflow'
          ? cells_total > 0
            ? `${cells_done}/${cells_total} steps`
            : ''
          : progressText(cells_done, cells_total)}
        {job.status === 'running' && cells_total > 0 && (
          <progress max={cells_total} value={cells_done} aria-label="progress" />
        )}{' '}
        {elapsed(job)} {job.author && <span className="jp-polartep-jobs-author">· by {job.author} </span>}
        {job.tags.length > 0 && `· ${job.tags.join(', ')}`}
      </div>
      {job.message && job.status !== 'succeeded' && <div className="jp-polartep-jobs-message">{job.message}</div>}
      <div className="jp-polartep-jobs-actions">
        {job.available_outputs.includes('ipynb') && (
          <button className="jp-mod-styled jp-mod-accept" onClick={() => actions.openOutput(job)}>
            Open output
          </button>
        )}
        {job.available_outputs.includes('html') && (
          <button className="jp-mod-styled" onClick={() => actions.openHtml(job)}>
            HTML
          </button>
        )}
        <button className="jp-mod-styled" onClick={() => model.select(job.id)}>
          {open ? 'Hide log' : 'Log'}
        </button>
        {active ? (
          <button className="jp-mod-styled jp-mod-warn" onClick={() => actions.cancel(job)}>
            Cancel
          </button>
        ) : (
          <button className="jp-mod-styled" onClick={() => actions.rerun(job)}>
            Rerun
          </button>
        )}
        <button className="jp-mod-styled" onClick={() => actions.remove(job)}>
          Delete
        </button>
      </div>
      {open && (
        <div className="jp-polartep-jobs-detail">
          <div>
            {Object.keys(job.parameters).length > 0
              ? `Parameters: ${JSON.stringify(job.parameters)}`
              : 'No parameters'}
          </div>
          <pre className="jp-polartep-jobs-log" aria-label="job log">
            {model.log || '(no log yet)'}
          </pre>
        </div>
      )}
    </li>
  );
}

function ProcessList(props: { model: JobsModel; actions: IJobActions }): JSX.Element {
  const { model, actions } = props;
  return (
    <section className="jp-polartep-jobs-processes" aria-label="Published processes">
      <h3 className="jp-polartep-jobs-heading">Published processes (OGC API)</h3>
      {model.processes.length === 0 ? (
        <div className="jp-polartep-jobs-empty">
          None yet. Right-click a notebook and choose “Publish as Process…”: OGC API clients then run it
          at polartep/ogcapi/processes/&lt;id&gt;.
        </div>
      ) : (
        <ul className="jp-polartep-list">
          {model.processes.map(p => (
            <li key={p.id} className="jp-polartep-jobs-process" data-process-id={p.id}>
              <span className="jp-polartep-jobs-name" title={p.description || p.notebook}>
                {p.title} <code>{p.id}</code>
              </span>
              <span className="jp-polartep-jobs-meta">
                {p.notebook}
                {p.sync_execute ? ' · sync + async' : ' · async'}
              </span>
              <button className="jp-mod-styled" onClick={() => actions.unpublish(p)}>
                Unpublish
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function JobsView(props: { model: JobsModel; actions: IJobActions }): JSX.Element {
  const { model, actions } = props;
  useSignals(model.changed);
  return (
    <div className="jp-polartep-jobs">
      <div className="jp-polartep-jobs-filters">
        <select
          aria-label="Filter by status"
          value={model.statusFilter}
          onChange={e => (model.statusFilter = e.target.value as Jobs.Status | '')}
        >
          <option value="">All statuses</option>
          {Jobs.STATUSES.map(s => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
        <input
          aria-label="Filter by tag"
          placeholder="tag"
          defaultValue={model.tagFilter}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              model.tagFilter = (e.target as HTMLInputElement).value.trim();
            }
          }}
          onBlur={e => (model.tagFilter = e.target.value.trim())}
        />
      </div>
      {model.error && (
        <div className="jp-polartep-error" role="alert">
          Jobs unavailable: {model.error}
        </div>
      )}
      {model.jobs.length === 0 && !model.error ? (
        <div className="jp-polartep-jobs-empty">
          {model.statusFilter || model.tagFilter ? 'No jobs match the filters. ' : 'No jobs yet. '}
          Right-click a notebook in the file browser and choose “Run as Job…”, or use
          “Run headless” on a notebook's toolbar.
        </div>
      ) : null}
      {model.jobs.length === 0 ? null : (
        <ul className="jp-polartep-list" aria-label="Jobs">
          {model.jobs.map(job => (
            <JobRow key={job.id} job={job} model={model} actions={actions} />
          ))}
        </ul>
      )}
      {model.total > model.jobs.length && (
        <div className="jp-polartep-jobs-meta">
          showing {model.jobs.length} of {model.total}
        </div>
      )}
      <ProcessList model={model} actions={actions} />
    </div>
  );
}

export class JobsBody extends ReactWidget {
  constructor(
    readonly model: JobsModel,
    readonly actions: IJobActions
  ) {
    super();
    this.addClass('jp-polartep-jobs-body');
  }
  render(): JSX.Element {
    return <JobsView model={this.model} actions={this.actions} />;
  }
}
