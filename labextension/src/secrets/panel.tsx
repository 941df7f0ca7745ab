import { Clipboard, Dialog, Notification, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';
import React, { useEffect, useState } from 'react';

import { errorMessage } from '../common/model';
import { useSignals } from '../common/react';
import { notifyError } from '../notify';
import { parseHosts, Secrets, usageSnippet } from './client';
import { describeBinding } from './format';
import { SecretsModel } from './model';

interface IFormProps {
  secret: Secrets.ISecret | null; // null: a new secret
  onSave: (name: string, body: Secrets.IUpdate) => Promise<void>;
  onCancel: () => void;
}

/** Create or edit a secret. The value field is masked; when editing, empty means "keep". */
function SecretForm(props: IFormProps): JSX.Element {
  const { secret } = props;
  const [name, setName] = useState(secret?.name ?? '');
  const [value, setValue] = useState('');
  const [showValue, setShowValue] = useState(false);
  const [description, setDescription] = useState(secret?.description ?? '');
  const [inject, setInject] = useState(secret?.inject ?? false);
  const [hosts, setHosts] = useState((secret?.hosts ?? []).join(', '));
  const [auth, setAuth] = useState<Secrets.Auth>(secret?.auth ?? 'bearer');
  const [header, setHeader] = useState(secret?.header ?? '');
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const body: Secrets.IUpdate = {
      description,
      inject,
      hosts: parseHosts(hosts),
      auth,
      header: auth === 'header' ? header : null
    };
    if (value.length > 0 || secret === null) {
      body.value = value;
    }
    setBusy(true);
    try {
      await props.onSave(name.trim(), body);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="jp-polartep-secrets-form" aria-label={secret ? `Edit ${secret.name}` : 'New secret'} onSubmit={submit}>
      <label>
        Name
        <input
          className="jp-mod-styled"
          name="name"
          value={name}
          disabled={secret !== null}
          placeholder="STAC_TOKEN"
          autoComplete="off"
          spellCheck={false}
          onChange={e => setName(e.target.value)}
        />
      </label>
      <label>
        Value
        <span className="jp-polartep-secrets-value-field">
          <input
            className="jp-mod-styled"
            name="value"
            type={showValue ? 'text' : 'password'}
            value={value}
            placeholder={secret ? 'leave empty to keep the stored value' : ''}
            autoComplete="new-password"
            spellCheck={false}
            onChange={e => setValue(e.target.value)}
          />
          <button
            type="button"
            className="jp-polartep-secrets-toggle"
            aria-pressed={showValue}
            onClick={() => setShowValue(!showValue)}
          >
            {showValue ? 'Hide' : 'Show'}
          </button>
        </span>
      </label>
      <label>
        Description
        <input className="jp-mod-styled" name="description" value={description} onChange={e => setDescription(e.target.value)} />
      </label>
      <label className="jp-polartep-secrets-check">
        <input type="checkbox" name="inject" checked={inject} onChange={e => setInject(e.target.checked)} />
        Inject into kernels and jobs (environment variable)
      </label>
      <label>
        Send to hosts
        <input
          className="jp-mod-styled"
          name="hosts"
          value={hosts}
          placeholder="stac.example.org, *.example.org"
          onChange={e => setHosts(e.target.value)}
        />
      </label>
      <label>
        Sent as
        <select className="jp-mod-styled" name="auth" value={auth} onChange={e => setAuth(e.target.value as Secrets.Auth)}>
          <option value="bearer">Authorization: Bearer</option>
          <option value="basic">Basic auth (user:password)</option>
          <option value="header">Header…</option>
        </select>
      </label>
      {auth === 'header' && (
        <label>
          Header name
          <input className="jp-mod-styled" name="header" value={header} placeholder="X-API-Key" onChange={e => setHeader(e.target.value)} />
        </label>
      )}
      <div className="jp-polartep-secrets-actions">
        <button type="submit" className="jp-mod-styled jp-mod-accept" disabled={busy}>
          Save
        </button>
        <button type="button" className="jp-mod-styled jp-mod-reject" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface IRowProps {
  secret: Secrets.ISecret;
  model: SecretsModel;
  onEdit: (secret: Secrets.ISecret) => void;
}

function SecretRow(props: IRowProps): JSX.Element {
  const { secret, model } = props;
  const [revealed, setRevealed] = useState<string | null>(null);

  const reveal = async () => {
    if (revealed !== null) {
      setRevealed(null);
      return;
    }
    try {
      setRevealed(await model.client.reveal(secret.name));
    } catch (error) {
      notifyError(`Cannot reveal ${secret.name}: ${errorMessage(error)}`);
    }
  };

  const remove = async () => {
    const result = await showDialog({
      title: `Delete secret ${secret.name}?`,
      body: 'Kernels and jobs started from now on will not get it. This cannot be undone.',
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (!result.button.accept) {
      return;
    }
    try {
      await model.client.remove(secret.name);
      await model.refreshNow();
    } catch (error) {
      notifyError(`Cannot delete ${secret.name}: ${errorMessage(error)}`);
    }
  };

  const copy = () => {
    Clipboard.copyToSystem(usageSnippet(secret));
    Notification.info(`Usage snippet for ${secret.name} copied`, { autoClose: 3000 });
  };

  return (
    <li className="jp-polartep-secrets-item" data-secret={secret.name}>
      <div className="jp-polartep-secrets-head">
        <strong className="jp-polartep-secrets-name">{secret.name}</strong>
        <span className={`jp-polartep-secrets-tag jp-polartep-secrets-source-${secret.source}`}>
          {secret.source === 'platform' ? 'platform · read-only' : 'workspace'}
        </span>
        {secret.inject && <span className="jp-polartep-secrets-tag jp-polartep-secrets-inject">injected</span>}
      </div>
      {secret.description && <div className="jp-polartep-secrets-detail">{secret.description}</div>}
      {secret.hosts.length > 0 && (
        <div className="jp-polartep-secrets-detail">{describeBinding(secret.hosts, secret.auth, secret.header)}</div>
      )}
      <div className="jp-polartep-secrets-detail">
        {secret.last_used ? `last used ${new Date(secret.last_used).toLocaleString()}` : 'not used yet'}
      </div>
      <div className="jp-polartep-secrets-value" data-testid="secret-value">
        {revealed !== null ? <code>{revealed}</code> : <span aria-label="hidden value">••••••••</span>}
      </div>
      <div className="jp-polartep-secrets-actions">
        <button className="jp-polartep-link" aria-label={`${revealed === null ? 'Reveal' : 'Hide'} ${secret.name}`} onClick={() => void reveal()}>
          {revealed === null ? 'Reveal' : 'Hide'}
        </button>
        <button className="jp-polartep-link" aria-label={`Copy usage snippet for ${secret.name}`} onClick={copy}>
          Copy snippet
        </button>
        {!secret.read_only && (
          <>
            <button className="jp-polartep-link" aria-label={`Edit ${secret.name}`} onClick={() => props.onEdit(secret)}>
              Edit
            </button>
            <button className="jp-polartep-link" aria-label={`Delete ${secret.name}`} onClick={() => void remove()}>
              Delete
            </button>
          </>
        )}
      </div>
    </li>
  );
}

export type Editing = { secret: Secrets.ISecret | null } | null;

function SecretsView(props: { panel: SecretsBody }): JSX.Element {
  const { panel } = props;
  const model = panel.model;
  useSignals(model.changed);
  const [editing, setEditing] = useState<Editing>(null);
  useEffect(() => {
    const open = () => setEditing({ secret: null });
    panel.createRequested.connect(open);
    return () => {
      panel.createRequested.disconnect(open);
    };
  }, [panel]);

  const list = model.list;
  const save = async (name: string, body: Secrets.IUpdate) => {
    try {
      if (editing?.secret) {
        await model.client.update(editing.secret.name, body);
      } else {
        await model.client.create({ ...body, name, value: body.value ?? '' });
      }
      setEditing(null);
      await model.refreshNow();
    } catch (error) {
      notifyError(errorMessage(error));
    }
  };

  return (
    <div className="jp-polartep-secrets">
      {model.error && (
        <div className="jp-polartep-error" role="alert">
          Secrets unavailable: {model.error}
        </div>
      )}
      {list?.problem && (
        <div className="jp-polartep-error jp-polartep-secrets-problem" role="alert">
          The secrets store is locked: {list.problem}
        </div>
      )}
      {editing ? (
        <SecretForm key={editing.secret?.name ?? '(new)'} secret={editing.secret} onSave={save} onCancel={() => setEditing(null)} />
      ) : (
        <button
          className="jp-mod-styled jp-polartep-secrets-add"
          disabled={list?.status === 'locked'}
          onClick={() => setEditing({ secret: null })}
        >
          New secret
        </button>
      )}
      {list === null && !model.error && <div>Loading secrets…</div>}
      {list !== null && list.secrets.length === 0 && (
        <div className="jp-polartep-secrets-empty">
          No secrets yet. Keep API tokens and passwords here instead of in notebooks.
        </div>
      )}
      <ul className="jp-polartep-list jp-polartep-secrets-list" aria-label="Secrets">
        {(list?.secrets ?? []).map(s => (
          <SecretRow key={`${s.source}:${s.name}`} secret={s} model={model} onEdit={secret => setEditing({ secret })} />
        ))}
      </ul>
    </div>
  );
}

/** The body of the Secrets side panel. */
export class SecretsBody extends ReactWidget {
  constructor(readonly model: SecretsModel) {
    super();
    this.addClass('jp-polartep-secrets-body');
  }

  /** Ask the view to open the "new secret" form (toolbar button, command). */
  get createRequested(): ISignal<this, void> {
    return this._createRequested;
  }

  requestCreate(): void {
    this._createRequested.emit();
  }

  render(): JSX.Element {
    return <SecretsView panel={this} />;
  }

  private _createRequested = new Signal<this, void>(this);
}
