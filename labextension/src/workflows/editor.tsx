/**
 * The visual workflow editor: the DAG of the entry template (add/remove steps, dependencies),
 * workflow parameters, and the YAML side by side — validated by the server, saved without
 * losing fields the editor does not know (it edits the whole manifest object).
 */
import { ReactWidget } from '@jupyterlab/apputils';
import React, { useEffect, useState } from 'react';

import { notifyError, notifySuccess } from '../notify';
import { Workflows, WorkflowsClient } from './client';
import { taskEdges } from './depends';
import { IGraphNode, WorkflowGraph } from './graph';

type Manifest = any;
type StepKind = 'script' | 'container' | 'notebook' | 'template';

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function entryDag(manifest: Manifest): any | null {
  const spec = manifest?.spec;
  const entry = (spec?.templates ?? []).find((t: any) => t.name === spec?.entrypoint);
  return entry?.dag ?? null;
}

/** The container/script body of a template (where image and command live), if it has one. */
function bodyOf(manifest: Manifest, template: string): any | null {
  const found = (manifest?.spec?.templates ?? []).find((t: any) => t.name === template);
  return found?.container ?? found?.script ?? null;
}

/** A container's command with its args (one list); a script's interpreter. */
function commandOf(body: any): string[] {
  return body.source !== undefined ? (body.command ?? []) : [...(body.command ?? []), ...(body.args ?? [])];
}

function setCommand(body: any, value: string[]): void {
  body.command = value;
  if (body.source === undefined) {
    delete body.args;
  }
}

function newTemplate(kind: StepKind, name: string, notebook: string): any {
  if (kind === 'container') {
    return { name, container: { image: 'busybox', command: ['echo'], args: [`hello from ${name}`] } };
  }
  if (kind === 'notebook') {
    const out = notebook.replace(/\.ipynb$/, '') + '.out.ipynb';
    return {
      name,
      metadata: { annotations: { 'polartep.io/notebook': notebook } },
      script: {
        image: 'ghcr.io/polartep/polartep-lab:latest',
        command: ['python'],
        source:
          'from polartep_lab.workflows.notebook import main\n' +
          `main(${JSON.stringify(notebook)}, [], ${JSON.stringify(out)})\n`
      }
    };
  }
  return { name, script: { image: 'python:3.11', command: ['python'], source: `print("hello from ${name}")\n` } };
}

export type OpenRun = (name: string, backend?: Workflows.Backend) => void;

function EditorView(props: { client: WorkflowsClient; path: string; openRun: OpenRun }): JSX.Element {
  const { client, path, openRun } = props;
  const [manifest, setManifest] = useState<Manifest | null>(null);
  const [yamlText, setYamlText] = useState('');
  const [yamlDirty, setYamlDirty] = useState(false);
  const [problems, setProblems] = useState<Workflows.IProblem[]>([]);
  const [dirty, setDirty] = useState(false);
  const [stepName, setStepName] = useState('');
  const [stepKind, setStepKind] = useState<StepKind>('script');
  const [notebook, setNotebook] = useState('');
  const [backend, setBackend] = useState<Workflows.Backend>('local');

  const apply = (reply: Workflows.ILint) => {
    setProblems(reply.problems);
    if (reply.yaml !== undefined) {
      setYamlText(reply.yaml);
      setYamlDirty(false);
    }
  };

  useEffect(() => {
    client
      .readFile(path)
      .then(reply => {
        setManifest(reply.manifest);
        apply(reply);
      })
      .catch(e => notifyError(`Cannot open ${path}: ${(e as Error).message}`));
  }, [path]);

  const change = (edit: (m: Manifest) => void) => {
    const next = clone(manifest);
    edit(next);
    setManifest(next);
    setDirty(true);
    void client.lint({ manifest: next }).then(apply, e => notifyError((e as Error).message));
  };

  if (!manifest) {
    return <div className="jp-polartep-workflows-editor">Loading {path}…</div>;
  }
  const dag = entryDag(manifest);
  const tasks: any[] = dag?.tasks ?? [];
  const templates: string[] = (manifest.spec?.templates ?? []).map((t: any) => t.name);
  const params: any[] = manifest.spec?.arguments?.parameters ?? [];

  const addStep = () => {
    const name = stepName.trim();
    if (!/^[a-zA-Z0-9][-a-zA-Z0-9]*$/.test(name) || tasks.some(t => t.name === name)) {
      notifyError(`Step name ${JSON.stringify(name)} is empty, invalid or taken`);
      return;
    }
    change(m => {
      const d = entryDag(m);
      let template = name;
      if (stepKind === 'template') {
        template = templates[0];
      } else {
        let unique = name;
        while ((m.spec.templates as any[]).some(t => t.name === unique)) {
          unique = `${unique}-step`;
        }
        template = unique;
        m.spec.templates.push(newTemplate(stepKind, unique, notebook));
      }
      d.tasks = [...(d.tasks ?? []), { name, template }];
    });
    setStepName('');
  };

  const save = async () => {
    try {
      const reply = await client.saveFile(path, { manifest });
      apply(reply);
      setManifest(reply.manifest);
      setDirty(false);
      notifySuccess(`Saved ${path}`);
    } catch (e) {
      notifyError(`Not saved: ${(e as Error).message}`);
    }
  };

  const applyYaml = async () => {
    const reply = await client.lint({ yaml: yamlText });
    setProblems(reply.problems);
    if (reply.manifest) {
      setManifest(reply.manifest);
      setDirty(true);
      setYamlDirty(false);
    }
  };

  const submit = async () => {
    try {
      const values: Record<string, string> = {};
      for (const p of params) {
        if (p.value !== undefined) {
          values[p.name] = String(p.value);
        }
      }
      const run = await client.submit({ manifest, parameters: values, backend });
      notifySuccess(`Submitted ${run.metadata.name}`);
      openRun(run.metadata.name, backend);
    } catch (e) {
      notifyError(`Not submitted: ${(e as Error).message}`);
    }
  };

  const nodes: IGraphNode[] = tasks.map(t => ({ id: t.name, label: t.name, kind: 'Pod' }));
  const edges = taskEdges(tasks);

  return (
    <div className="jp-polartep-workflows-editor">
      <div className="jp-polartep-workflows-toolbar">
        <strong>{path}</strong>
        {dirty && <span className="jp-polartep-workflows-tag">modified</span>}
        <button className="jp-mod-styled jp-mod-accept" onClick={() => void save()}>
          Save
        </button>
        <select aria-label="Backend" value={backend} onChange={e => setBackend(e.target.value as Workflows.Backend)}>
          <option value="local">local</option>
          <option value="argo">Argo</option>
        </select>
        <button className="jp-mod-styled" onClick={() => void submit()} disabled={problems.length > 0}>
          Submit
        </button>
      </div>
      <ul className="jp-polartep-workflows-problems" aria-label="Validation problems">
        {problems.map((p, i) => (
          <li key={i} className="jp-polartep-error">
            <code>{p.path || '(manifest)'}</code>: {p.message}
          </li>
        ))}
      </ul>
      <div className="jp-polartep-workflows-columns">
        <div className="jp-polartep-workflows-visual">
          <h3>Parameters</h3>
          <table className="jp-polartep-workflows-table">
            <tbody>
              {params.map((p, i) => (
                <tr key={i}>
                  <th>{p.name}</th>
                  <td>
                    <input
                      aria-label={`Parameter ${p.name}`}
                      value={p.value ?? ''}
                      onChange={e =>
                        change(m => {
                          m.spec.arguments.parameters[i].value = e.target.value;
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {dag ? (
            <>
              <h3>Steps</h3>
              <WorkflowGraph nodes={nodes} edges={edges} label={`Steps of ${path}`} />
              <table className="jp-polartep-workflows-table">
                <thead>
                  <tr>
                    <th>step</th>
                    <th>template</th>
                    <th>depends</th>
                    <th>image</th>
                    <th>command</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {tasks.map((t, i) => (
                    <tr key={t.name} data-step={t.name}>
                      <td>{t.name}</td>
                      <td>
                        <select
                          aria-label={`Template of ${t.name}`}
                          value={t.template}
                          onChange={e =>
                            change(m => {
                              entryDag(m).tasks[i].template = e.target.value;
                            })
                          }
                        >
                          {templates.map(name => (
                            <option key={name} value={name}>
                              {name}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          aria-label={`Depends of ${t.name}`}
                          placeholder="e.g. A && B"
                          defaultValue={t.depends ?? (t.dependencies ?? []).join(' && ')}
                          onBlur={e => {
                            if (e.target.value.trim() === (t.depends ?? (t.dependencies ?? []).join(' && '))) {
                              return; // unchanged: keep `dependencies` lists as they are
                            }
                            change(m => {
                              const task = entryDag(m).tasks[i];
                              delete task.dependencies;
                              if (e.target.value.trim()) {
                                task.depends = e.target.value.trim();
                              } else {
                                delete task.depends;
                              }
                            });
                          }}
                        />
                      </td>
                      <td>
                        {bodyOf(manifest, t.template) ? (
                          <input
                            aria-label={`Image of ${t.name}`}
                            defaultValue={bodyOf(manifest, t.template)?.image ?? ''}
                            onBlur={e => {
                              if (e.target.value.trim() === (bodyOf(manifest, t.template)?.image ?? '')) {
                                return;
                              }
                              change(m => {
                                const body = bodyOf(m, t.template);
                                if (body) {
                                  body.image = e.target.value.trim();
                                }
                              });
                            }}
                          />
                        ) : (
                          <span className="jp-polartep-workflows-hint">—</span>
                        )}
                      </td>
                      <td>
                        {bodyOf(manifest, t.template) ? (
                          <input
                            aria-label={`Command of ${t.name}`}
                            title="JSON list, e.g. [&quot;python&quot;] or [&quot;echo&quot;, &quot;hello&quot;]"
                            defaultValue={JSON.stringify(commandOf(bodyOf(manifest, t.template)))}
                            onBlur={e => {
                              let value: unknown;
                              try {
                                value = JSON.parse(e.target.value);
                              } catch {
                                value = null;
                              }
                              const before = JSON.stringify(commandOf(bodyOf(manifest, t.template)));
                              if (JSON.stringify(value) === before) {
                                return; // unchanged: leave command/args as they are
                              }
                              if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
                                notifyError(`Command of ${t.name}: give a JSON list of strings`);
                                return;
                              }
                              change(m => {
                                const body = bodyOf(m, t.template);
                                if (body) {
                                  setCommand(body, value as string[]);
                                }
                              });
                            }}
                          />
                        ) : (
                          <span className="jp-polartep-workflows-hint">—</span>
                        )}
                      </td>
                      <td>
                        <button
                          className="jp-mod-styled"
                          aria-label={`Remove ${t.name}`}
                          onClick={() =>
                            change(m => {
                              entryDag(m).tasks.splice(i, 1);
                            })
                          }
                        >
                          ✕
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="jp-polartep-workflows-add">
                <input aria-label="New step name" placeholder="step name" value={stepName} onChange={e => setStepName(e.target.value)} />
                <select aria-label="New step kind" value={stepKind} onChange={e => setStepKind(e.target.value as StepKind)}>
                  <option value="script">Python script</option>
                  <option value="container">container</option>
                  <option value="notebook">notebook</option>
                  <option value="template">existing template</option>
                </select>
                {stepKind === 'notebook' && (
                  <input aria-label="Notebook path" placeholder="path/to.ipynb" value={notebook} onChange={e => setNotebook(e.target.value)} />
                )}
                <button className="jp-mod-styled" onClick={addStep}>
                  Add step
                </button>
              </div>
            </>
          ) : (
            <p className="jp-polartep-workflows-hint">
              The entry template is not a DAG: edit this workflow in the YAML.
            </p>
          )}
        </div>
        <div className="jp-polartep-workflows-yaml">
          <h3>YAML</h3>
          <textarea
            aria-label="Workflow YAML"
            spellCheck={false}
            value={yamlText}
            onChange={e => {
              setYamlText(e.target.value);
              setYamlDirty(true);
            }}
          />
          <button className="jp-mod-styled" disabled={!yamlDirty} onClick={() => void applyYaml()}>
            Apply YAML
          </button>
        </div>
      </div>
    </div>
  );
}

export class EditorWidget extends ReactWidget {
  constructor(
    private readonly _client: WorkflowsClient,
    readonly path: string,
    private readonly _openRun: OpenRun
  ) {
    super();
    this.id = `polartep-workflow-editor-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.title.label = path.split('/').pop() ?? path;
    this.title.caption = `Workflow editor: ${path}`;
    this.title.closable = true;
    this.addClass('jp-polartep-workflows-editorview');
  }
  render(): JSX.Element {
    return <EditorView client={this._client} path={this.path} openRun={this._openRun} />;
  }
}
