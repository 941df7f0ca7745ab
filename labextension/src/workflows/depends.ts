/**
 * Pure helpers of the workflow views (no JupyterLab imports: unit-tested with node).
 */

const STATES = /\.(Succeeded|Failed|Errored|Skipped|Omitted|Daemoned|AnySucceeded|AllFailed)$/;

/** Task names an Argo `depends` expression refers to (`A && (B.Succeeded || C.Failed)`). */
export function dependsNames(text: string | undefined): string[] {
  if (!text) {
    return [];
  }
  const names = text
    .split(/&&|\|\||!|\(|\)|\s+/)
    .map(part => part.trim().replace(STATES, ''))
    .filter(part => part.length > 0);
  return Array.from(new Set(names));
}

/** Edges `[dependency, task]` of a DAG's tasks (`depends` or the older `dependencies`). */
export function taskEdges(tasks: { name: string; depends?: string; dependencies?: string[] }[]): [string, string][] {
  const edges: [string, string][] = [];
  for (const task of tasks) {
    const deps = task.depends ? dependsNames(task.depends) : (task.dependencies ?? []);
    for (const dep of deps) {
      edges.push([dep, task.name]);
    }
  }
  return edges;
}
