import { ReactWidget } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { useSignals } from '../common/react';
import { Status } from '../api';
import { CommandIDs } from '../tokens';
import { badgeOf, describeFeature, summarize } from './format';
import { HomeModel } from './model';

/** Features that are reached through example/doc lists rather than their own panel. */
const LISTED_BELOW = new Set(['examples', 'docs']);

function FeatureRow(props: { feature: Status.IFeature; commands: CommandRegistry }): JSX.Element {
  const { feature, commands } = props;
  const command = CommandIDs.openFeature(feature.name);
  const canOpen = feature.enabled && commands.hasCommand(command);
  const badge = badgeOf(feature);
  return (
    <li className="jp-polartep-feature" data-feature={feature.name}>
      <span className={`jp-polartep-badge jp-polartep-badge-${badge}`} title={badge} />
      <div className="jp-polartep-feature-text">
        {canOpen ? (
          <button className="jp-polartep-link" onClick={() => void commands.execute(command)}>
            {feature.title}
          </button>
        ) : (
          <span className="jp-polartep-feature-title">{feature.title}</span>
        )}
        <div className="jp-polartep-feature-detail">{describeFeature(feature)}</div>
      </div>
    </li>
  );
}

function HomeView(props: { model: HomeModel; commands: CommandRegistry }): JSX.Element {
  const { model, commands } = props;
  useSignals(model.changed, commands.commandChanged);
  const status = model.status;
  const features = status ? status.features.filter(f => f.enabled && !LISTED_BELOW.has(f.name)) : [];
  const counts = summarize(status ? status.features : []);
  const isOn = (name: string) => !!status && status.features.some(f => f.name === name && f.enabled);
  return (
    <div className="jp-polartep-home">
      <section aria-label="Workspace status">
        <h3>Workspace</h3>
        {model.error && (
          <div className="jp-polartep-error" role="alert">
            Status unavailable: {model.error}
          </div>
        )}
        {status ? (
          <div className="jp-polartep-status" data-testid="polartep-status">
            <div>
              Polar TEP <strong>{status.version}</strong> · user {status.user}
            </div>
            <div>
              {counts.on} features on, {counts.off} off
              {counts.unhealthy > 0 ? `, ${counts.unhealthy} unhealthy` : ''}
            </div>
          </div>
        ) : (
          !model.error && <div>Loading status…</div>
        )}
      </section>
      <section aria-label="Features">
        <h3>Features</h3>
        <ul className="jp-polartep-list">
          {features.map(f => (
            <FeatureRow key={f.name} feature={f} commands={commands} />
          ))}
        </ul>
      </section>
      {isOn('examples') && (
      <section aria-label="Examples">
        <h3>Examples</h3>
        <ul className="jp-polartep-list">
          {model.examples.map(e => (
            <li key={e.name}>
              <button
                className="jp-polartep-link"
                title={e.description}
                onClick={() => void commands.execute(CommandIDs.openExample, { name: e.name })}
              >
                {e.title}
              </button>
            </li>
          ))}
        </ul>
      </section>
      )}
      {isOn('docs') && (
      <section aria-label="Documentation">
        <h3>Documentation</h3>
        <ul className="jp-polartep-list">
          {model.pages.map(p => (
            <li key={p.slug}>
              <button
                className="jp-polartep-link"
                onClick={() => void commands.execute(CommandIDs.openDocs, { slug: p.slug })}
              >
                {p.title}
              </button>
            </li>
          ))}
        </ul>
      </section>
      )}
    </div>
  );
}

/** The body of the "Polar TEP" side panel. */
export class HomeBody extends ReactWidget {
  constructor(
    readonly model: HomeModel,
    private readonly _commands: CommandRegistry
  ) {
    super();
    this.addClass('jp-polartep-home-body');
  }

  render(): JSX.Element {
    return <HomeView model={this.model} commands={this._commands} />;
  }
}
