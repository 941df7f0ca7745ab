import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import React, { useState } from 'react';

import { Jobs } from './client';
import { fieldText, parseField } from './format';

/** What the dialog's form holds; `toRequest` turns it into a job request (may throw). */
class RunForm {
  constructor(readonly info: Jobs.INotebookParameters) {
    for (const p of info.parameters) {
      this.texts[p.name] = fieldText(p.type, p.default);
    }
    this.kernel = info.kernels.includes(info.kernel) ? info.kernel : (info.kernels[0] ?? info.kernel);
  }
  texts: Record<string, string> = {};
  kernel: string;
  timeout = '';
  tags = '';
  html = true;

  toRequest(): Jobs.ICreate {
    const parameters: Record<string, unknown> = {};
    for (const p of this.info.parameters) {
      const text = this.texts[p.name];
      if (text !== fieldText(p.type, p.default)) {
        parameters[p.name] = parseField(p.name, p.type, text);
      }
    }
    const request: Jobs.ICreate = {
      notebook: this.info.notebook,
      parameters,
      kernel: this.kernel,
      outputs: this.html ? ['ipynb', 'html'] : ['ipynb'],
      tags: this.tags
        .split(',')
        .map(t => t.trim())
        .filter(t => t.length > 0)
    };
    if (this.timeout.trim() !== '') {
      const timeout = Number(this.timeout);
      if (!(timeout > 0)) {
        throw new Error('timeout: must be a positive number of seconds');
      }
      request.timeout = timeout;
    }
    return request;
  }
}

function Field(props: { form: RunForm; param: Jobs.IParameter }): JSX.Element {
  const { form, param } = props;
  const [text, setText] = useState(form.texts[param.name]);
  const id = `jp-polartep-jobs-param-${param.name}`;
  const update = (value: string) => {
    form.texts[param.name] = value;
    setText(value);
  };
  return (
    <div className="jp-polartep-jobs-field">
      <label htmlFor={id}>
        {param.name} <span className="jp-polartep-jobs-type">{param.type}</span>
      </label>
      {param.type === 'boolean' ? (
        <select id={id} value={text} onChange={e => update(e.target.value)}>
          <option value="true">True</option>
          <option value="false">False</option>
        </select>
      ) : (
        <input
          id={id}
          type={param.type === 'integer' || param.type === 'number' ? 'number' : 'text'}
          step={param.type === 'number' ? 'any' : undefined}
          value={text}
          onChange={e => update(e.target.value)}
        />
      )}
      {param.help && <div className="jp-polartep-jobs-help">{param.help}</div>}
    </div>
  );
}

function FormView(props: { form: RunForm }): JSX.Element {
  const { form } = props;
  const [kernel, setKernel] = useState(form.kernel);
  const [html, setHtml] = useState(form.html);
  return (
    <div className="jp-polartep-jobs-form">
      <div className="jp-polartep-jobs-notebook">{form.info.notebook}</div>
      {form.info.parameters.length === 0 ? (
        <p>This notebook has no cell tagged “parameters”; it runs as it is.</p>
      ) : (
        <fieldset>
          <legend>Parameters</legend>
          {form.info.parameters.map(p => (
            <Field key={p.name} form={form} param={p} />
          ))}
        </fieldset>
      )}
      <div className="jp-polartep-jobs-field">
        <label htmlFor="jp-polartep-jobs-kernel">Kernel</label>
        <select
          id="jp-polartep-jobs-kernel"
          value={kernel}
          onChange={e => {
            form.kernel = e.target.value;
            setKernel(e.target.value);
          }}
        >
          {form.info.kernels.map(k => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div className="jp-polartep-jobs-field">
        <label htmlFor="jp-polartep-jobs-timeout">Timeout (s)</label>
        <input
          id="jp-polartep-jobs-timeout"
          type="number"
          min="1"
          placeholder={String(form.info.default_timeout)}
          onChange={e => (form.timeout = e.target.value)}
        />
      </div>
      <div className="jp-polartep-jobs-field">
        <label htmlFor="jp-polartep-jobs-tags">Tags</label>
        <input id="jp-polartep-jobs-tags" placeholder="comma, separated" onChange={e => (form.tags = e.target.value)} />
      </div>
      <label>
        <input
          type="checkbox"
          checked={html}
          onChange={e => {
            form.html = e.target.checked;
            setHtml(e.target.checked);
          }}
        />{' '}
        Also save HTML
      </label>
    </div>
  );
}

/** The request the dialog built, or why it could not. */
export interface IRunValue {
  request: Jobs.ICreate | null;
  error: string | null;
}

/** The body of the "Run headless" dialog; `getValue` builds the request. */
export class RunJobBody extends ReactWidget implements Dialog.IBodyWidget<IRunValue> {
  constructor(info: Jobs.INotebookParameters) {
    super();
    this._form = new RunForm(info);
    this.addClass('jp-polartep-jobs-dialog');
  }
  getValue(): IRunValue {
    try {
      return { request: this._form.toRequest(), error: null };
    } catch (error) {
      return { request: null, error: error instanceof Error ? error.message : String(error) };
    }
  }
  render(): JSX.Element {
    return <FormView form={this._form} />;
  }
  private _form: RunForm;
}
