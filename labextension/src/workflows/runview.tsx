/**
 * One run in the main area: its graph coloured by node phase, live; a node's log and outputs.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import React, { useEffect, useState } from 'react';

import { notifyError, notifySuccess } from '../notify';
import { Workflows, WorkflowsClient } from './client';
import { runGraph, WorkflowGraph } from './graph';

const ACTIVE = new Set(['Pending', 'Running']);

function NodeDetail(props: {
  client: WorkflowsClient;
  workflow: Workflows.IWorkflow;
  node: Workflows.INode;
  backend?: Workflows.Backend;
}): JSX.Element {
  const { client, workflow, node, backend } = props;
  const [log, setLog] = useState<string>('');
  const finished = !ACTIVE.has(node.phase);
  useEffect(() => {
    let live = true;
    client
      .log(workflow.metadata.name, node.id, backend)
      .then(text => live && setLog(text))
      .catch(error => live && setLog(`(no log: ${(error as Error).message})`));
    return () => {
      live = false;
    };
  }, [node.id, node.phase, finished]);
  const params: Workflows.IParameter[] = node.outputs?.parameters ?? [];
  const artifacts: { name: string; path?: string; size?: number }[] = node.outputs?.artifacts ?? [];
  return (
    <section className="jp-polartep-workflows-detail" aria-label={`Node ${node.displayName}`}>
      <h3>
        {node.displayName} <span className="jp-polartep-workflows-tag">{node.type}</span>{' '}
        <span className={`jp-polartep-workflows-tag jp-polartep-workflows-phase-${node.phase.toLowerCase()}`}>
          {node.phase}
        </span>
      </h3>
      {node.message && <div className="jp-polartep-workflows-message">{node.message}</div>}
      <div className="jp-polartep-workflows-times">
        {node.startedAt ?? ''} → {node.finishedAt ?? '…'}
      </div>
      {params.length > 0 && (
        <table className="jp-polartep-workflows-table">
          <tbody>
            {params.map(p => (
              <tr key={p.name}>
                <th>{p.name}</th>
                <td>{p.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {artifacts.length > 0 && (
        <ul>
          {artifacts.map(a => (
            <li key={a.name}>
              artifact{' '}
              {backend === 'argo' ? (
                a.name
              ) : (
                <a href={client.artifactUrl(workflow.metadata.name, node.id, a.name)} download={a.name}>
                  {a.name}
                </a>
              )}{' '}
              ({a.path}
              {a.size !== undefined ? `, ${a.size} B` : ''})
            </li>
          ))}
        </ul>
      )}
      <pre className="jp-polartep-workflows-log" data-testid="workflow-node-log">
        {log}
      </pre>
    </section>
  );
}

function RunView(props: { client: WorkflowsClient; name: string; backend?: Workflows.Backend }): JSX.Element {
  const { client, name, backend } = props;
  const [workflow, setWorkflow] = useState<Workflows.IWorkflow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const phase = workflow?.status?.phase ?? 'Pending';
  useEffect(() => {
    let live = true;
    const load = () =>
      client
        .run(name, backend)
        .then(w => {
          if (live) {
            setWorkflow(w);
            setError(null);
          }
        })
        .catch(e => live && setError((e as Error).message));
    void load();
    const timer = window.setInterval(() => {
      if (ACTIVE.has(phase) || !workflow) {
        void load();
      }
    }, 1000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [name, phase, tick]);
  const act = async (action: 'stop' | 'terminate' | 'retry' | 'resubmit') => {
    try {
      const result = await client.act(name, action, backend);
      if (action === 'resubmit') {
        notifySuccess(`Resubmitted as ${result.metadata.name}`);
      }
      setTick(t => t + 1);
    } catch (e) {
      notifyError(`${action} failed: ${(e as Error).message}`);
    }
  };
  if (!workflow) {
    return <div className="jp-polartep-workflows-run">{error ?? 'Loading…'}</div>;
  }
  const graph = runGraph(workflow);
  const node = selected ? workflow.status?.nodes?.[selected] : undefined;
  const active = ACTIVE.has(phase);
  return (
    <div className="jp-polartep-workflows-run" data-phase={phase}>
      <header className="jp-polartep-workflows-header">
        <strong>{name}</strong>{' '}
        <span
          className={`jp-polartep-workflows-tag jp-polartep-workflows-phase-${phase.toLowerCase()}`}
          data-testid="workflow-run-phase"
        >
          {phase}
        </span>{' '}
        <span>{workflow.status?.progress ?? ''}</span>
        <span className="jp-polartep-workflows-actions">
          <button className="jp-mod-styled" disabled={!active} onClick={() => void act('stop')}>
            Stop
          </button>
          <button className="jp-mod-styled" disabled={!active} onClick={() => void act('terminate')}>
            Terminate
          </button>
          <button
            className="jp-mod-styled"
            disabled={!(phase === 'Failed' || phase === 'Error')}
            onClick={() => void act('retry')}
          >
            Retry
          </button>
          <button className="jp-mod-styled" disabled={active} onClick={() => void act('resubmit')}>
            Resubmit
          </button>
        </span>
      </header>
      {workflow.status?.message && <div className="jp-polartep-workflows-message">{workflow.status.message}</div>}
      <WorkflowGraph
        nodes={graph.nodes}
        edges={graph.edges}
        selected={selected}
        onSelect={setSelected}
        label={`Graph of run ${name}`}
      />
      {node ? (
        <NodeDetail client={client} workflow={workflow} node={node} backend={backend} />
      ) : (
        <p className="jp-polartep-workflows-hint">Select a node to see its log and outputs.</p>
      )}
    </div>
  );
}

export class RunWidget extends ReactWidget {
  constructor(
    private readonly _client: WorkflowsClient,
    readonly runName: string,
    private readonly _backend?: Workflows.Backend
  ) {
    super();
    this.id = `polartep-workflow-run-${runName}`;
    this.title.label = `Run ${runName}`;
    this.title.closable = true;
    this.addClass('jp-polartep-workflows-runview');
  }
  render(): JSX.Element {
    return <RunView client={this._client} name={this.runName} backend={this._backend} />;
  }
}
