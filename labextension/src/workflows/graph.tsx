/**
 * A workflow graph as plain SVG; layout by dagre (loaded with a dynamic import on first use).
 */
import React, { useEffect, useState } from 'react';

import { Workflows } from './client';

export interface IGraphNode {
  id: string;
  label: string;
  phase?: string;
  kind?: string;
}

export interface IGraphProps {
  nodes: IGraphNode[];
  edges: [string, string][];
  selected?: string | null;
  onSelect?: (id: string) => void;
  label: string;
}

interface IPlaced {
  node: IGraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface ILayout {
  width: number;
  height: number;
  nodes: IPlaced[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

const SMALL = new Set(['StepGroup', 'TaskGroup']);

async function layout(nodes: IGraphNode[], edges: [string, string][]): Promise<ILayout> {
  const dagre = (await import('@dagrejs/dagre')).default;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    const small = SMALL.has(node.kind ?? '');
    const width = small ? 18 : Math.max(90, Math.min(220, node.label.length * 7 + 28));
    g.setNode(node.id, { width, height: small ? 18 : 32 });
  }
  const known = new Set(nodes.map(n => n.id));
  for (const [from, to] of edges) {
    if (known.has(from) && known.has(to)) {
      g.setEdge(from, to);
    }
  }
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: Math.max(120, graph.width ?? 0),
    height: Math.max(60, graph.height ?? 0),
    nodes: nodes.map(node => {
      const placed = g.node(node.id);
      return { node, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
    }),
    edges: g.edges().map(e => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] }))
  };
}

function phaseClass(phase?: string): string {
  return `jp-polartep-workflows-phase-${(phase ?? 'none').toLowerCase()}`;
}

/** The graph; nodes are buttons (keyboard and click) coloured by phase. */
export function WorkflowGraph(props: IGraphProps): JSX.Element {
  const { nodes, edges, selected, onSelect, label } = props;
  const [placed, setPlaced] = useState<ILayout | null>(null);
  const key = JSON.stringify([nodes, edges]);
  useEffect(() => {
    let live = true;
    void layout(nodes, edges).then(result => {
      if (live) {
        setPlaced(result);
      }
    });
    return () => {
      live = false;
    };
  }, [key]);
  if (!placed) {
    return <div className="jp-polartep-workflows-graph">Drawing…</div>;
  }
  return (
    <div className="jp-polartep-workflows-graph">
      <svg width={placed.width} height={placed.height} role="img" aria-label={label}>
        <defs>
          <marker id="jp-polartep-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M 0 0 L 10 5 L 0 10 z" className="jp-polartep-workflows-arrow" />
          </marker>
        </defs>
        {placed.edges.map(edge => (
          <polyline
            key={`${edge.from}->${edge.to}`}
            className="jp-polartep-workflows-edge"
            points={edge.points.map(p => `${p.x},${p.y}`).join(' ')}
            markerEnd="url(#jp-polartep-arrow)"
          />
        ))}
        {placed.nodes.map(({ node, x, y, width, height }) => {
          const small = SMALL.has(node.kind ?? '');
          return (
            <g
              key={node.id}
              className={`jp-polartep-workflows-node ${phaseClass(node.phase)}${selected === node.id ? ' jp-mod-selected' : ''}`}
              data-node={node.label}
              data-phase={node.phase ?? ''}
              role="button"
              tabIndex={0}
              aria-label={`${node.label} ${node.phase ?? ''}`.trim()}
              onClick={() => onSelect?.(node.id)}
              onKeyDown={e => {
                if (e.key === 'Enter' || e.key === ' ') {
                  onSelect?.(node.id);
                }
              }}
              transform={`translate(${x - width / 2},${y - height / 2})`}
            >
              <title>{`${node.label}${node.phase ? ` — ${node.phase}` : ''}`}</title>
              {small ? (
                <circle cx={width / 2} cy={height / 2} r={width / 2 - 2} />
              ) : (
                <>
                  <rect width={width} height={height} rx={6} />
                  <text x={width / 2} y={height / 2 + 4} textAnchor="middle">
                    {node.label}
                  </text>
                </>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** Nodes and edges of a run, from Argo's `status.nodes` (edges are `children`). */
export function runGraph(workflow: Workflows.IWorkflow): { nodes: IGraphNode[]; edges: [string, string][] } {
  const all = Object.values(workflow.status?.nodes ?? {});
  const nodes = all.map(n => ({ id: n.id, label: n.displayName || n.name, phase: n.phase, kind: n.type }));
  const edges: [string, string][] = [];
  for (const n of all) {
    for (const child of n.children ?? []) {
      edges.push([n.id, child]);
    }
  }
  return { nodes, edges };
}
