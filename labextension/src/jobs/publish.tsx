import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import React, { useState } from 'react';

import { Jobs } from './client';
import { processId } from './format';


class PublishForm {
  constructor(readonly notebook: string) {
    this.id = processId(notebook);
    this.title = this.id;
  }
  id: string;
  title: string;
  description = '';
  sync = false;
}

function PublishView(props: { form: PublishForm }): JSX.Element {
  const { form } = props;
  const [, setTick] = useState(0);
  const set = (fn: () => void) => {
    fn();
    setTick(t => t + 1);
  };
  return (
    <div className="jp-polartep-jobs-form">
      <p>
        OGC API – Processes clients (eodash, OWSLib, pygeoapi clients) can then run <code>{form.notebook}</code> with
        the inputs of its <code>parameters</code> cell.
      </p>
      <label htmlFor="jp-polartep-jobs-process-id">Process id</label>
      <input
        id="jp-polartep-jobs-process-id"
        value={form.id}
        onChange={e => set(() => (form.id = e.target.value))}
      />
      <label htmlFor="jp-polartep-jobs-process-title">Title</label>
      <input
        id="jp-polartep-jobs-process-title"
        value={form.title}
        onChange={e => set(() => (form.title = e.target.value))}
      />
      <label htmlFor="jp-polartep-jobs-process-description">Description</label>
      <input
        id="jp-polartep-jobs-process-description"
        value={form.description}
        onChange={e => set(() => (form.description = e.target.value))}
      />
      <label>
        <input type="checkbox" checked={form.sync} onChange={e => set(() => (form.sync = e.target.checked))} /> Also
        run synchronously (requests without “Prefer: respond-async” wait for the results)
      </label>
    </div>
  );
}

/** The body of the "Publish as Process" dialog. */
export class PublishBody extends ReactWidget implements Dialog.IBodyWidget<Jobs.IPublish> {
  constructor(notebook: string) {
    super();
    this._form = new PublishForm(notebook);
    this.addClass('jp-polartep-jobs-dialog');
  }
  getValue(): Jobs.IPublish {
    const f = this._form;
    return {
      id: f.id.trim(),
      notebook: f.notebook,
      title: f.title.trim() || f.id.trim(),
      description: f.description.trim(),
      sync_execute: f.sync
    };
  }
  render(): JSX.Element {
    return <PublishView form={this._form} />;
  }
  private _form: PublishForm;
}
